//! Roles and the permission matrix of the seed ("Role & Permission"), as code.
//!
//! `ispdesk-core` checks [`Role::can`] against the calling staff member on every
//! operation; the UI only mirrors the list it is given at sign-in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A staff member's role in the ISP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Technician,
    Cashier,
    Reseller,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Admin,
        Role::Technician,
        Role::Cashier,
        Role::Reseller,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Technician => "technician",
            Role::Cashier => "cashier",
            Role::Reseller => "reseller",
        }
    }

    /// Whether this role may perform operations guarded by `permission`.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match self {
            // "Full access".
            Owner => true,
            Admin => !matches!(permission, ManageSettings),
            Technician => matches!(
                permission,
                ViewDashboard
                    | ManageRouters
                    | ManageCustomers
                    | ManageRouterScripts
                    | ManageIpPools
                    | ManageBandwidthProfiles
            ),
            Cashier => matches!(
                permission,
                ViewDashboard
                    | ManageCustomers
                    | GenerateVouchers
                    | SellVouchers
                    | ManageInvoices
                    | ViewReports
            ),
            Reseller => matches!(permission, ViewDashboard | SellVouchers),
        }
    }

    /// Every permission this role holds, in matrix order.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.can(*p))
            .collect()
    }

    /// Whether a staff member in this role may create, change or disable a staff member
    /// holding `target`. Only an owner may touch an owner's account or make someone owner.
    pub fn can_manage_staff_role(self, target: Role) -> bool {
        self.can(Permission::ManageStaff) && (target != Role::Owner || self == Role::Owner)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

/// One row of the seed's permission matrix, plus the activity log (owners and admins, as
/// the foundation issue asks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Dashboard.
    ViewDashboard,
    /// NAS Management.
    ManageRouters,
    /// Customer Management.
    ManageCustomers,
    /// Service Plans.
    ManageServicePlans,
    /// Voucher Generate.
    GenerateVouchers,
    /// Voucher Sell.
    SellVouchers,
    /// Invoice Management.
    ManageInvoices,
    /// Reports.
    ViewReports,
    /// User Management.
    ManageStaff,
    /// Settings: company profile, backups, platform connection.
    ManageSettings,
    /// Router Scripts.
    ManageRouterScripts,
    /// IP Pools.
    ManageIpPools,
    /// Bandwidth Profiles.
    ManageBandwidthProfiles,
    /// Reading the activity log.
    ViewActivityLog,
}

impl Permission {
    pub const ALL: [Permission; 14] = [
        Permission::ViewDashboard,
        Permission::ManageRouters,
        Permission::ManageCustomers,
        Permission::ManageServicePlans,
        Permission::GenerateVouchers,
        Permission::SellVouchers,
        Permission::ManageInvoices,
        Permission::ViewReports,
        Permission::ManageStaff,
        Permission::ManageSettings,
        Permission::ManageRouterScripts,
        Permission::ManageIpPools,
        Permission::ManageBandwidthProfiles,
        Permission::ViewActivityLog,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's matrix, transcribed cell by cell (✅ = 1), so the code above is checked
    /// against the document rather than against itself.
    const MATRIX: [(Permission, [u8; 5]); 14] = {
        use Permission::*;
        [
            //                      Own Adm Tec Cas Res
            (ViewDashboard, [1, 1, 1, 1, 1]),
            (ManageRouters, [1, 1, 1, 0, 0]),
            (ManageCustomers, [1, 1, 1, 1, 0]),
            (ManageServicePlans, [1, 1, 0, 0, 0]),
            (GenerateVouchers, [1, 1, 0, 1, 0]),
            (SellVouchers, [1, 1, 0, 1, 1]),
            (ManageInvoices, [1, 1, 0, 1, 0]),
            (ViewReports, [1, 1, 0, 1, 0]),
            (ManageStaff, [1, 1, 0, 0, 0]),
            (ManageSettings, [1, 0, 0, 0, 0]),
            (ManageRouterScripts, [1, 1, 1, 0, 0]),
            (ManageIpPools, [1, 1, 1, 0, 0]),
            (ManageBandwidthProfiles, [1, 1, 1, 0, 0]),
            (ViewActivityLog, [1, 1, 0, 0, 0]),
        ]
    };

    #[test]
    fn every_cell_matches_the_seed_matrix() {
        assert_eq!(MATRIX.len(), Permission::ALL.len());
        for (permission, row) in MATRIX {
            for (role, allowed) in Role::ALL.into_iter().zip(row) {
                assert_eq!(
                    role.can(permission),
                    allowed == 1,
                    "{role} / {permission:?} should be {}",
                    if allowed == 1 { "allowed" } else { "denied" }
                );
            }
        }
    }

    #[test]
    fn only_owners_touch_owner_accounts() {
        assert!(Role::Owner.can_manage_staff_role(Role::Owner));
        assert!(Role::Owner.can_manage_staff_role(Role::Cashier));
        assert!(!Role::Admin.can_manage_staff_role(Role::Owner));
        assert!(Role::Admin.can_manage_staff_role(Role::Admin));
        assert!(Role::Admin.can_manage_staff_role(Role::Reseller));
        for role in [Role::Technician, Role::Cashier, Role::Reseller] {
            for target in Role::ALL {
                assert!(!role.can_manage_staff_role(target));
            }
        }
    }

    #[test]
    fn roles_parse_from_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
