// The sidebar: one list of screens, each under the job it belongs to and the permission that
// opens it. A screen appears only if the signed-in staff member holds its permission; a group
// with nothing visible is hidden. Adding a screen is one line here.

import type { Component } from "svelte";
import type { Permission } from "$lib/api/types";
import ActivityLog from "$lib/activity/ActivityLog.svelte";
import CustomerList from "$lib/customers/CustomerList.svelte";
import Dashboard from "$lib/dashboard/Dashboard.svelte";
import BandwidthList from "$lib/network/BandwidthList.svelte";
import PoolList from "$lib/network/PoolList.svelte";
import PppoeHotspot from "$lib/network/PppoeHotspot.svelte";
import Routers from "$lib/network/Routers.svelte";
import PlanList from "$lib/plans/PlanList.svelte";
import Backups from "$lib/settings/Backups.svelte";
import CompanySettings from "$lib/settings/CompanySettings.svelte";
import RadiusSettings from "$lib/settings/RadiusSettings.svelte";
import StaffList from "$lib/staff/StaffList.svelte";
import LayoutDashboard from "@lucide/svelte/icons/layout-dashboard";
import Contact from "@lucide/svelte/icons/contact";
import Package from "@lucide/svelte/icons/package";
import RouterIcon from "@lucide/svelte/icons/router";
import Network from "@lucide/svelte/icons/network";
import Gauge from "@lucide/svelte/icons/gauge";
import Cable from "@lucide/svelte/icons/cable";
import Users from "@lucide/svelte/icons/users";
import History from "@lucide/svelte/icons/history";
import Building2 from "@lucide/svelte/icons/building-2";
import DatabaseBackup from "@lucide/svelte/icons/database-backup";
import ShieldAlert from "@lucide/svelte/icons/shield-alert";
import Activity from "@lucide/svelte/icons/activity";
import ChartColumn from "@lucide/svelte/icons/chart-column";
import Cloud from "@lucide/svelte/icons/cloud";

/** The jobs the sidebar is grouped by, in order (ui.md). */
export const NAV_GROUPS = ["overview", "customers", "vouchers", "billing", "network", "reports", "settings"] as const;
export type NavGroup = (typeof NAV_GROUPS)[number];

export type NavKey =
  | "dashboard"
  | "customers"
  | "online"
  | "plans"
  | "routers"
  | "pools"
  | "bandwidth"
  | "pppoe_hotspot"
  | "staff"
  | "activity"
  | "company"
  | "backups"
  | "radius"
  | "usage"
  | "platform";

export type NavEntry = {
  group: NavGroup;
  key: NavKey;
  /** The permission that opens the screen; with a list, any one of them does (as the host checks). */
  permission: Permission | readonly Permission[];
  icon: Component<{ size?: number }>;
} & (
  | { component: Component; load?: undefined }
  /** Screens loaded when first opened, so the start-up bundle stays small. */
  | { component?: undefined; load: () => Promise<{ default: Component }> }
);

export const NAV: readonly NavEntry[] = [
  { group: "overview", key: "dashboard", permission: "view_dashboard", icon: LayoutDashboard, component: Dashboard },
  { group: "customers", key: "customers", permission: "manage_customers", icon: Contact, component: CustomerList },
  { group: "customers", key: "online", permission: ["manage_customers", "manage_routers"], icon: Activity, load: () => import("$lib/sessions/OnlineUsers.svelte") },
  { group: "customers", key: "plans", permission: "manage_service_plans", icon: Package, component: PlanList },
  { group: "network", key: "routers", permission: "manage_routers", icon: RouterIcon, component: Routers },
  { group: "network", key: "pools", permission: "manage_ip_pools", icon: Network, component: PoolList },
  { group: "network", key: "bandwidth", permission: "manage_bandwidth_profiles", icon: Gauge, component: BandwidthList },
  { group: "network", key: "pppoe_hotspot", permission: "manage_routers", icon: Cable, component: PppoeHotspot },
  { group: "reports", key: "usage", permission: ["view_reports", "manage_routers"], icon: ChartColumn, load: () => import("$lib/reports/UsageReport.svelte") },
  { group: "settings", key: "staff", permission: "manage_staff", icon: Users, component: StaffList },
  { group: "settings", key: "activity", permission: "view_activity_log", icon: History, component: ActivityLog },
  { group: "settings", key: "company", permission: "manage_settings", icon: Building2, component: CompanySettings },
  { group: "settings", key: "backups", permission: "manage_settings", icon: DatabaseBackup, component: Backups },
  { group: "settings", key: "radius", permission: "manage_settings", icon: ShieldAlert, component: RadiusSettings },
  { group: "settings", key: "platform", permission: "manage_settings", icon: Cloud, load: () => import("$lib/settings/PlatformSettings.svelte") },
];

export type VisibleGroup = { group: NavGroup; entries: NavEntry[] };

function opens(entry: NavEntry, permissions: readonly Permission[]): boolean {
  const needed = typeof entry.permission === "string" ? [entry.permission] : entry.permission;
  return needed.some((p) => permissions.includes(p));
}

export function visibleNav(permissions: readonly Permission[]): VisibleGroup[] {
  return NAV_GROUPS.map((group) => ({
    group,
    entries: NAV.filter((entry) => entry.group === group && opens(entry, permissions)),
  })).filter((g) => g.entries.length > 0);
}
