//! api-mode provisioning as derived state. For a router in `api` mode the app writes its
//! subscribers onto the router itself: a PPP secret per PPPoE customer, a hotspot user per
//! hotspot customer, and the profiles they use. [`desired_state`] derives what the router
//! should hold from customers, plans and the router's profiles (pure, like `radius.rs`);
//! [`diff`] compares that with what the router holds and says what to add, change and
//! remove. `ispdesk-routers` reads the router and applies the diff.
//!
//! Rules, each with its reason:
//! - **Only marked items are the app's.** An item the app manages carries a `comment`
//!   starting with [`MARKER`]; everything else on the router is unmanaged and never touched,
//!   not even when it holds a name a customer needs (the diff reports it as blocking, for a
//!   person to resolve or to adopt, see [`adopt`]). Hotspot user profiles have no `comment`
//!   in RouterOS; for them the app's own record of the profile on that router is the marker:
//!   one is managed exactly when the app has a profile of that name, and never removed.
//! - **Items are matched by name** within a menu, since RouterOS keeps names unique there.
//! - **A secret or hotspot user** gets the profile its plan names (or `default`) and is
//!   disabled unless the customer is active (suspended, expired and inactive customers alike).
//!   RouterOS keeps a running session when its secret is disabled or removed, so the diff
//!   lists those sessions to end ([`Diff::disconnect`]).
//! - **Speed comes from profiles**: RouterOS has no per-secret rate limit, and a profile's
//!   `rate-limit` makes the per-session dynamic queue itself, so no simple queues are needed.
//!   A profile's rate limit is its own bandwidth profile, or, when it has none, that of the
//!   plans naming it, if they agree (otherwise none, with a [`Warning`]).
//! - Built-in profiles (`default`, `default-encryption`) and dynamic items are never managed.
//! - Only the properties in [`ItemKind::fields`] are compared and written; anything else the
//!   ISP sets by hand on a managed item stays as it is.

use crate::customer::CustomerStatus;
use crate::ids::CustomerId;
use crate::network::{format_duration_s, parse_duration_s};
use crate::plan::ServiceType;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The start of the `comment` of every item the app manages.
pub const MARKER: &str = "ispdesk:";

/// Profiles every RouterOS has, which the app never creates, changes or removes.
pub const BUILTIN_PROFILES: &[&str] = &["default", "default-encryption"];

/// Whether a comment marks an item as the app's.
pub fn is_marked(comment: &str) -> bool {
    comment.starts_with(MARKER)
}

/// The menus the app provisions, in the order additions are applied (profiles before the
/// users that name them; removals go the other way).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    PppProfile,
    HotspotUserProfile,
    PppSecret,
    HotspotUser,
}

/// How a property's value compares: RouterOS prints some values differently from how they
/// were written (`yes` comes back as `true`, `86400` as `1d`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Text,
    Bool,
    Duration,
    /// A name or `none`, which means the same as empty.
    Reference,
    /// Compared like text, never shown.
    Secret,
}

/// A property the app manages on a menu, by its RouterOS name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub form: Form,
}

const fn f(name: &'static str, form: Form) -> Field {
    Field { name, form }
}

const PPP_PROFILE_FIELDS: &[Field] = &[
    f("local-address", Form::Reference),
    f("remote-address", Form::Reference),
    f("rate-limit", Form::Text),
    f("dns-server", Form::Text),
    f("session-timeout", Form::Duration),
    f("only-one", Form::Text),
    f("comment", Form::Text),
];
const HOTSPOT_USER_PROFILE_FIELDS: &[Field] = &[
    f("address-pool", Form::Reference),
    f("rate-limit", Form::Text),
    f("shared-users", Form::Text),
    f("session-timeout", Form::Duration),
];
const PPP_SECRET_FIELDS: &[Field] = &[
    f("password", Form::Secret),
    f("service", Form::Text),
    f("profile", Form::Text),
    f("disabled", Form::Bool),
    f("comment", Form::Text),
];
const HOTSPOT_USER_FIELDS: &[Field] = &[
    f("password", Form::Secret),
    f("profile", Form::Text),
    f("disabled", Form::Bool),
    f("comment", Form::Text),
];

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [
        ItemKind::PppProfile,
        ItemKind::HotspotUserProfile,
        ItemKind::PppSecret,
        ItemKind::HotspotUser,
    ];

    /// The RouterOS menu path.
    pub fn menu(self) -> &'static str {
        match self {
            ItemKind::PppProfile => "/ppp/profile",
            ItemKind::HotspotUserProfile => "/ip/hotspot/user/profile",
            ItemKind::PppSecret => "/ppp/secret",
            ItemKind::HotspotUser => "/ip/hotspot/user",
        }
    }

    /// The properties the app writes and compares.
    pub fn fields(self) -> &'static [Field] {
        match self {
            ItemKind::PppProfile => PPP_PROFILE_FIELDS,
            ItemKind::HotspotUserProfile => HOTSPOT_USER_PROFILE_FIELDS,
            ItemKind::PppSecret => PPP_SECRET_FIELDS,
            ItemKind::HotspotUser => HOTSPOT_USER_FIELDS,
        }
    }

    pub fn is_profile(self) -> bool {
        matches!(self, ItemKind::PppProfile | ItemKind::HotspotUserProfile)
    }

    /// Whether the marker is in the item's `comment` (see the module doc for the exception).
    pub fn marked_by_comment(self) -> bool {
        self != ItemKind::HotspotUserProfile
    }

    /// The profile menu that users of this menu name.
    fn profile_kind(self) -> ItemKind {
        match self {
            ItemKind::PppSecret | ItemKind::PppProfile => ItemKind::PppProfile,
            ItemKind::HotspotUser | ItemKind::HotspotUserProfile => ItemKind::HotspotUserProfile,
        }
    }

    fn field(self, name: &str) -> Option<Field> {
        self.fields().iter().copied().find(|f| f.name == name)
    }
}

/// A value in the form it compares in.
pub fn canonical(form: Form, value: &str) -> String {
    match form {
        Form::Text | Form::Secret => value.to_owned(),
        Form::Bool => match value {
            "true" | "yes" => "true".into(),
            "false" | "no" | "" => "false".into(),
            other => other.to_owned(),
        },
        Form::Duration => match parse_duration_s(value) {
            Some(0) => String::new(),
            Some(seconds) => seconds.to_string(),
            None => value.to_owned(),
        },
        Form::Reference => match value {
            "none" => String::new(),
            other => other.to_owned(),
        },
    }
}

/// An item as the app wants it on the router: its name and the managed properties, written
/// the way RouterOS accepts them.
#[derive(Clone, PartialEq, Eq)]
pub struct DesiredItem {
    pub kind: ItemKind,
    pub name: String,
    pub fields: BTreeMap<&'static str, String>,
}

impl fmt::Debug for DesiredItem {
    // Subscriber passwords never reach a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: BTreeMap<&str, &str> = self
            .fields
            .iter()
            .map(|(k, v)| {
                let secret = self.kind.field(k).is_some_and(|f| f.form == Form::Secret);
                (*k, if secret { "********" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("DesiredItem")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("fields", &shown)
            .finish()
    }
}

/// An item as the router printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActualItem {
    pub kind: ItemKind,
    /// RouterOS's `.id`, such as `*1A`.
    pub id: String,
    pub name: String,
    /// Every property printed, by RouterOS name.
    pub fields: BTreeMap<String, String>,
    /// Made by the router itself (a session's dynamic user): never managed.
    pub dynamic: bool,
    /// A built-in profile: never managed.
    pub builtin: bool,
}

impl ActualItem {
    /// Reads a printed row; `None` when it lacks `.id` or `name`.
    pub fn from_properties(
        kind: ItemKind,
        properties: impl IntoIterator<Item = (String, String)>,
    ) -> Option<ActualItem> {
        let mut fields: BTreeMap<String, String> = properties.into_iter().collect();
        let id = fields.remove(".id")?;
        let name = fields.get("name")?.clone();
        let flag = |name: &str| fields.get(name).is_some_and(|v| v == "true" || v == "yes");
        let dynamic = flag("dynamic");
        let builtin =
            flag("default") || (kind.is_profile() && BUILTIN_PROFILES.contains(&name.as_str()));
        Some(ActualItem {
            kind,
            id,
            name,
            fields,
            dynamic,
            builtin,
        })
    }

    fn comment(&self) -> &str {
        self.fields.get("comment").map_or("", String::as_str)
    }
}

/// A customer as provisioning needs them.
#[derive(Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub customer_id: CustomerId,
    pub username: String,
    pub password: String,
    pub service: ServiceType,
    pub status: CustomerStatus,
    /// The profile the plan names, if it names one.
    pub profile: Option<String>,
    /// The plan's rate limit, if it has a bandwidth profile.
    pub plan_rate_limit: Option<String>,
}

impl fmt::Debug for Subscriber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscriber")
            .field("customer_id", &self.customer_id)
            .field("username", &self.username)
            .field("service", &self.service)
            .field("status", &self.status)
            .field("profile", &self.profile)
            .field("plan_rate_limit", &self.plan_rate_limit)
            .finish_non_exhaustive()
    }
}

/// The app's record of a PPP profile or hotspot user profile on the router.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRecord {
    /// The record's id, written into the marker.
    pub id: String,
    pub service: ServiceType,
    pub name: String,
    /// The address pool's name on the router.
    pub pool: Option<String>,
    pub local_address: String,
    pub dns_servers: String,
    pub session_timeout_s: Option<u32>,
    pub shared_users: u32,
    /// The rate limit of the profile's own bandwidth profile.
    pub rate_limit: Option<String>,
}

/// Something the owner should know about the desired state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum Warning {
    /// The profile has no bandwidth of its own and the plans naming it ask for different
    /// speeds, so it gets no rate limit: give the profile a bandwidth profile, or the plans
    /// their own profiles.
    PlanSpeedsDiffer {
        profile_kind: ItemKind,
        profile: String,
        rate_limits: Vec<String>,
    },
    /// Customers use a profile that neither the app nor the router has: adding them fails
    /// until it exists.
    MissingProfile {
        profile_kind: ItemKind,
        profile: String,
        users: u32,
    },
}

/// What the router should hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DesiredState {
    pub items: Vec<DesiredItem>,
    pub warnings: Vec<Warning>,
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// The router's desired state from its customers and the app's profile records for it.
pub fn desired_state(subscribers: &[Subscriber], profiles: &[ProfileRecord]) -> DesiredState {
    let mut state = DesiredState::default();
    for record in profiles {
        if BUILTIN_PROFILES.contains(&record.name.as_str()) {
            continue;
        }
        let plan_rates: BTreeSet<&str> = subscribers
            .iter()
            .filter(|s| s.service == record.service && s.profile.as_deref() == Some(&record.name))
            .filter_map(|s| s.plan_rate_limit.as_deref())
            .collect();
        let kind = match record.service {
            ServiceType::Pppoe => ItemKind::PppProfile,
            ServiceType::Hotspot => ItemKind::HotspotUserProfile,
        };
        let rate_limit = match (&record.rate_limit, plan_rates.len()) {
            (Some(own), _) => own.clone(),
            (None, 1) => plan_rates.iter().next().copied().unwrap_or_default().into(),
            (None, 0) => String::new(),
            (None, _) => {
                state.warnings.push(Warning::PlanSpeedsDiffer {
                    profile_kind: kind,
                    profile: record.name.clone(),
                    rate_limits: plan_rates.iter().map(|r| (*r).to_owned()).collect(),
                });
                String::new()
            }
        };
        let pool = record.pool.clone().unwrap_or_default();
        let timeout = record
            .session_timeout_s
            .filter(|s| *s > 0)
            .map(format_duration_s)
            .unwrap_or_default();
        let fields: BTreeMap<&'static str, String> = match kind {
            ItemKind::PppProfile => [
                ("local-address", record.local_address.clone()),
                ("remote-address", pool),
                ("rate-limit", rate_limit),
                ("dns-server", record.dns_servers.clone()),
                ("session-timeout", timeout),
                ("only-one", yes_no(record.shared_users <= 1)),
                ("comment", format!("{MARKER}{}", record.id)),
            ]
            .into_iter()
            .collect(),
            _ => [
                ("address-pool", pool),
                ("rate-limit", rate_limit),
                ("shared-users", record.shared_users.max(1).to_string()),
                ("session-timeout", timeout),
            ]
            .into_iter()
            .collect(),
        };
        state.items.push(DesiredItem {
            kind,
            name: record.name.clone(),
            fields,
        });
    }
    for s in subscribers {
        let profile = s.profile.clone().unwrap_or_else(|| "default".into());
        let disabled = yes_no(s.status != CustomerStatus::Active);
        let comment = format!("{MARKER}{}", s.customer_id);
        let (kind, fields): (ItemKind, BTreeMap<&'static str, String>) = match s.service {
            ServiceType::Pppoe => (
                ItemKind::PppSecret,
                [
                    ("password", s.password.clone()),
                    ("service", "pppoe".to_owned()),
                    ("profile", profile),
                    ("disabled", disabled),
                    ("comment", comment),
                ]
                .into_iter()
                .collect(),
            ),
            ServiceType::Hotspot => (
                ItemKind::HotspotUser,
                [
                    ("password", s.password.clone()),
                    ("profile", profile),
                    ("disabled", disabled),
                    ("comment", comment),
                ]
                .into_iter()
                .collect(),
            ),
        };
        state.items.push(DesiredItem {
            kind,
            name: s.username.clone(),
            fields,
        });
    }
    state
        .items
        .sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    state
}

/// One item by menu and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
pub struct ItemRef {
    pub kind: ItemKind,
    pub name: String,
}

/// An item to add, with the properties it gets (passwords left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Addition {
    pub kind: ItemKind,
    pub name: String,
    pub fields: BTreeMap<String, String>,
}

/// A property that differs; `from` and `to` are `None` for a password, which is never shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A managed item whose properties differ from the wanted ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ItemChange {
    pub kind: ItemKind,
    /// RouterOS's `.id`.
    pub id: String,
    pub name: String,
    pub fields: Vec<FieldChange>,
}

/// A managed item that is no longer wanted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Removal {
    pub kind: ItemKind,
    pub id: String,
    pub name: String,
}

/// An item the app does not manage; left alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Unmanaged {
    pub kind: ItemKind,
    pub id: String,
    pub name: String,
    /// The app wants an item of this name, so it cannot add its own: rename one, or adopt
    /// this one.
    pub blocks: bool,
}

/// What reconciling a router would do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Diff {
    pub add: Vec<Addition>,
    pub change: Vec<ItemChange>,
    pub remove: Vec<Removal>,
    /// Sessions to end: users being disabled or removed (RouterOS keeps them connected).
    pub disconnect: Vec<ItemRef>,
    pub unmanaged: Vec<Unmanaged>,
    pub warnings: Vec<Warning>,
}

impl Diff {
    /// Whether the router already holds what the app wants.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.change.is_empty() && self.remove.is_empty()
    }
}

/// Compares the desired state with the router's items (of every [`ItemKind`]).
pub fn diff(desired: &DesiredState, actual: &[ActualItem]) -> Diff {
    let mut out = Diff {
        warnings: desired.warnings.clone(),
        ..Diff::default()
    };
    for kind in ItemKind::ALL {
        let want: BTreeMap<&str, &DesiredItem> = desired
            .items
            .iter()
            .filter(|d| d.kind == kind)
            .map(|d| (d.name.as_str(), d))
            .collect();
        let mut managed: BTreeMap<&str, &ActualItem> = BTreeMap::new();
        let mut unmanaged_names: BTreeSet<&str> = BTreeSet::new();
        for a in actual.iter().filter(|a| a.kind == kind) {
            let ours = !a.dynamic
                && !a.builtin
                && if kind.marked_by_comment() {
                    is_marked(a.comment())
                } else {
                    want.contains_key(a.name.as_str())
                };
            if !ours {
                unmanaged_names.insert(&a.name);
                out.unmanaged.push(Unmanaged {
                    kind,
                    id: a.id.clone(),
                    name: a.name.clone(),
                    blocks: want.contains_key(a.name.as_str()),
                });
            } else if managed.contains_key(a.name.as_str()) {
                // RouterOS keeps names unique; should two of ours share one, keep the first.
                out.remove.push(Removal {
                    kind,
                    id: a.id.clone(),
                    name: a.name.clone(),
                });
            } else {
                managed.insert(&a.name, a);
            }
        }
        for (name, d) in &want {
            match managed.get(name) {
                Some(a) => {
                    let fields = compare(d, a);
                    if fields.is_empty() {
                        continue;
                    }
                    let disables = fields
                        .iter()
                        .any(|c| c.field == "disabled" && c.to.as_deref() == Some("true"));
                    if disables && !kind.is_profile() {
                        out.disconnect.push(ItemRef {
                            kind,
                            name: d.name.clone(),
                        });
                    }
                    out.change.push(ItemChange {
                        kind,
                        id: a.id.clone(),
                        name: d.name.clone(),
                        fields,
                    });
                }
                None if unmanaged_names.contains(name) => {}
                None => out.add.push(Addition {
                    kind,
                    name: d.name.clone(),
                    fields: d
                        .fields
                        .iter()
                        .filter(|(k, _)| kind.field(k).is_some_and(|f| f.form != Form::Secret))
                        .map(|(k, v)| ((*k).to_owned(), v.clone()))
                        .collect(),
                }),
            }
        }
        for (name, a) in &managed {
            if !want.contains_key(name) {
                out.remove.push(Removal {
                    kind,
                    id: a.id.clone(),
                    name: a.name.clone(),
                });
                if !kind.is_profile() {
                    out.disconnect.push(ItemRef {
                        kind,
                        name: a.name.clone(),
                    });
                }
            }
        }
    }
    out.warnings.extend(missing_profiles(desired, actual));
    out
}

fn compare(d: &DesiredItem, a: &ActualItem) -> Vec<FieldChange> {
    d.kind
        .fields()
        .iter()
        .filter_map(|field| {
            let want = canonical(field.form, d.fields.get(field.name).map_or("", |v| v));
            let have = canonical(field.form, a.fields.get(field.name).map_or("", |v| v));
            (want != have).then(|| {
                let shown = field.form != Form::Secret;
                FieldChange {
                    field: field.name.to_owned(),
                    from: shown.then_some(have),
                    to: shown.then_some(want),
                }
            })
        })
        .collect()
}

/// Profiles named by wanted users that neither the app will add nor the router has.
fn missing_profiles(desired: &DesiredState, actual: &[ActualItem]) -> Vec<Warning> {
    let mut users: BTreeMap<(ItemKind, &str), u32> = BTreeMap::new();
    for d in desired.items.iter().filter(|d| !d.kind.is_profile()) {
        if let Some(profile) = d.fields.get("profile")
            && !BUILTIN_PROFILES.contains(&profile.as_str())
        {
            *users.entry((d.kind.profile_kind(), profile)).or_default() += 1;
        }
    }
    users
        .into_iter()
        .filter(|((kind, profile), _)| {
            let known = |name: &str, k: ItemKind| k == *kind && name == *profile;
            !desired.items.iter().any(|d| known(&d.name, d.kind))
                && !actual.iter().any(|a| known(&a.name, a.kind))
        })
        .map(|((profile_kind, profile), users)| Warning::MissingProfile {
            profile_kind,
            profile: profile.to_owned(),
            users,
        })
        .collect()
}

/// Takes over unmanaged items of the given names (say, secrets just imported as customers):
/// marks them in memory, so the next [`diff`] treats them as the app's and writes the marker
/// with whatever else differs. Returns how many were adopted. Hotspot user profiles need no
/// adopting (the app's record already makes them its own); dynamic and built-in items cannot
/// be adopted.
pub fn adopt(actual: &mut [ActualItem], which: &[ItemRef]) -> usize {
    let mut adopted = 0;
    for a in actual.iter_mut() {
        let wanted = which.iter().any(|r| r.kind == a.kind && r.name == a.name);
        if wanted
            && a.kind.marked_by_comment()
            && !a.dynamic
            && !a.builtin
            && !is_marked(a.comment())
        {
            a.fields.insert("comment".into(), MARKER.into());
            adopted += 1;
        }
    }
    adopted
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn subscriber(name: &str, service: ServiceType, status: CustomerStatus) -> Subscriber {
        Subscriber {
            customer_id: CustomerId::new(),
            username: name.into(),
            password: format!("pw-{name}"),
            service,
            status,
            profile: Some("paket-10m".into()),
            plan_rate_limit: Some("5M/10M".into()),
        }
    }

    fn record(name: &str, service: ServiceType, rate: Option<&str>) -> ProfileRecord {
        ProfileRecord {
            id: format!("rec-{name}"),
            service,
            name: name.into(),
            pool: Some("pool-pppoe".into()),
            local_address: "10.10.0.1".into(),
            dns_servers: "8.8.8.8".into(),
            session_timeout_s: Some(86_400),
            shared_users: 1,
            rate_limit: rate.map(str::to_owned),
        }
    }

    fn actual(kind: ItemKind, id: u32, name: &str, fields: &[(&str, &str)]) -> ActualItem {
        let mut props = vec![
            (".id".to_owned(), format!("*{id:X}")),
            ("name".into(), name.into()),
        ];
        props.extend(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        ActualItem::from_properties(kind, props).unwrap()
    }

    #[test]
    fn a_suspended_customer_is_a_disabled_secret_and_a_profile_takes_the_plan_speed() {
        let subs = [
            subscriber("budi", ServiceType::Pppoe, CustomerStatus::Active),
            subscriber("sari", ServiceType::Pppoe, CustomerStatus::Suspended),
        ];
        let state = desired_state(&subs, &[record("paket-10m", ServiceType::Pppoe, None)]);
        let profile = &state.items[0];
        assert_eq!(profile.kind, ItemKind::PppProfile);
        assert_eq!(profile.fields["rate-limit"], "5M/10M");
        assert_eq!(profile.fields["session-timeout"], "1d");
        assert_eq!(profile.fields["remote-address"], "pool-pppoe");
        let sari = state.items.iter().find(|i| i.name == "sari").unwrap();
        assert_eq!(sari.fields["disabled"], "yes");
        assert_eq!(sari.fields["profile"], "paket-10m");
        assert!(sari.fields["comment"].starts_with(MARKER));
        assert!(
            !format!("{sari:?}").contains("pw-sari"),
            "passwords stay out of logs"
        );
    }

    #[test]
    fn a_profile_s_own_speed_wins_and_disagreeing_plans_are_a_warning() {
        let mut a = subscriber("a", ServiceType::Pppoe, CustomerStatus::Active);
        let mut b = subscriber("b", ServiceType::Pppoe, CustomerStatus::Active);
        a.plan_rate_limit = Some("1M/2M".into());
        b.plan_rate_limit = Some("3M/4M".into());
        let own = desired_state(
            &[a.clone(), b.clone()],
            &[record("paket-10m", ServiceType::Pppoe, Some("9M/9M"))],
        );
        assert_eq!(own.items[0].fields["rate-limit"], "9M/9M");
        assert!(own.warnings.is_empty());
        let mixed = desired_state(&[a, b], &[record("paket-10m", ServiceType::Pppoe, None)]);
        assert_eq!(mixed.items[0].fields["rate-limit"], "");
        assert!(matches!(
            mixed.warnings[..],
            [Warning::PlanSpeedsDiffer { .. }]
        ));
    }

    #[test]
    fn unmanaged_items_are_left_alone_even_when_they_block_a_name() {
        let subs = [subscriber(
            "budi",
            ServiceType::Pppoe,
            CustomerStatus::Active,
        )];
        let state = desired_state(&subs, &[]);
        let router = [
            actual(ItemKind::PppSecret, 1, "budi", &[("password", "old")]),
            actual(
                ItemKind::PppSecret,
                2,
                "tetangga",
                &[("comment", "wifi rumah")],
            ),
            actual(
                ItemKind::PppProfile,
                3,
                "paket-10m",
                &[("rate-limit", "1M/1M")],
            ),
        ];
        let d = diff(&state, &router);
        assert!(d.add.is_empty() && d.change.is_empty() && d.remove.is_empty());
        assert_eq!(d.unmanaged.len(), 3);
        assert!(d.unmanaged.iter().any(|u| u.name == "budi" && u.blocks));
        assert!(
            d.unmanaged
                .iter()
                .any(|u| u.name == "tetangga" && !u.blocks)
        );
        // The profile the plan names exists on the router, unmanaged: no warning.
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn adopting_takes_over_and_then_differences_are_changes() {
        let subs = [subscriber(
            "budi",
            ServiceType::Pppoe,
            CustomerStatus::Active,
        )];
        let state = desired_state(&subs, &[]);
        let mut router = [actual(
            ItemKind::PppSecret,
            1,
            "budi",
            &[
                ("password", "pw-budi"),
                ("profile", "paket-10m"),
                ("service", "pppoe"),
            ],
        )];
        let n = adopt(
            &mut router,
            &[ItemRef {
                kind: ItemKind::PppSecret,
                name: "budi".into(),
            }],
        );
        assert_eq!(n, 1);
        let d = diff(&state, &router);
        assert_eq!(d.change.len(), 1);
        let fields: Vec<&str> = d.change[0]
            .fields
            .iter()
            .map(|c| c.field.as_str())
            .collect();
        assert_eq!(fields, ["comment"]);
    }

    #[test]
    fn printed_forms_compare_equal_to_written_ones() {
        assert_eq!(canonical(Form::Bool, "yes"), canonical(Form::Bool, "true"));
        assert_eq!(canonical(Form::Bool, ""), canonical(Form::Bool, "no"));
        assert_eq!(
            canonical(Form::Duration, "1d"),
            canonical(Form::Duration, "86400")
        );
        assert_eq!(
            canonical(Form::Duration, "0s"),
            canonical(Form::Duration, "")
        );
        assert_eq!(canonical(Form::Reference, "none"), "");
    }

    #[test]
    fn disabling_or_removing_a_user_ends_its_session_and_passwords_are_never_shown() {
        let subs = [subscriber(
            "budi",
            ServiceType::Hotspot,
            CustomerStatus::Expired,
        )];
        let state = desired_state(&subs, &[]);
        let marker = format!("{MARKER}x");
        let router = [
            actual(
                ItemKind::HotspotUser,
                1,
                "budi",
                &[
                    ("password", "other"),
                    ("profile", "paket-10m"),
                    ("disabled", "false"),
                    ("comment", &marker),
                ],
            ),
            actual(ItemKind::HotspotUser, 2, "gone", &[("comment", &marker)]),
        ];
        let d = diff(&state, &router);
        let names: Vec<&str> = d.disconnect.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["budi", "gone"]);
        let password = d.change[0]
            .fields
            .iter()
            .find(|c| c.field == "password")
            .unwrap();
        assert_eq!(
            (password.from.as_deref(), password.to.as_deref()),
            (None, None)
        );
        assert_eq!(d.remove.len(), 1);
    }

    #[test]
    fn a_profile_nobody_has_is_a_warning() {
        let subs = [subscriber(
            "budi",
            ServiceType::Pppoe,
            CustomerStatus::Active,
        )];
        let d = diff(&desired_state(&subs, &[]), &[]);
        assert!(matches!(
            &d.warnings[..],
            [Warning::MissingProfile { profile, users: 1, .. }] if profile == "paket-10m"
        ));
    }

    // ---------------------------------------------------------------- property

    /// The router, as far as provisioning can tell: applying a diff the way the router would.
    fn apply(router: &mut Vec<ActualItem>, d: &Diff, desired: &DesiredState, next_id: &mut u32) {
        let find = |kind: ItemKind, name: &str| {
            desired
                .items
                .iter()
                .find(|i| i.kind == kind && i.name == name)
                .unwrap()
        };
        for add in &d.add {
            let item = find(add.kind, &add.name);
            *next_id += 1;
            let mut props = vec![
                (".id".to_owned(), format!("*{next_id:X}")),
                ("name".into(), add.name.clone()),
            ];
            props.extend(item.fields.iter().map(|(k, v)| {
                (
                    (*k).to_owned(),
                    canonical(add.kind.field(k).unwrap().form, v),
                )
            }));
            router.push(ActualItem::from_properties(add.kind, props).unwrap());
        }
        for change in &d.change {
            let item = find(change.kind, &change.name);
            let target = router.iter_mut().find(|a| a.id == change.id).unwrap();
            for c in &change.fields {
                target
                    .fields
                    .insert(c.field.clone(), item.fields[c.field.as_str()].clone());
            }
        }
        router.retain(|a| !d.remove.iter().any(|r| r.id == a.id));
    }

    fn name() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "ana", "budi", "cici", "dodi", "eka", "paket-a", "paket-b", "default",
        ])
        .prop_map(str::to_owned)
    }

    fn status() -> impl Strategy<Value = CustomerStatus> {
        prop::sample::select(CustomerStatus::ALL.to_vec())
    }

    fn service() -> impl Strategy<Value = ServiceType> {
        prop::sample::select(vec![ServiceType::Pppoe, ServiceType::Hotspot])
    }

    fn subscribers() -> impl Strategy<Value = Vec<Subscriber>> {
        prop::collection::btree_map(
            name(),
            (
                service(),
                status(),
                prop::option::of(name()),
                prop::option::of("[1-9]M/[1-9]M"),
            ),
            0..6,
        )
        .prop_map(|m| {
            m.into_iter()
                .map(|(n, (service, status, profile, rate))| Subscriber {
                    customer_id: CustomerId::new(),
                    password: format!("pw-{n}"),
                    username: n,
                    service,
                    status,
                    profile,
                    plan_rate_limit: rate,
                })
                .collect()
        })
    }

    fn records() -> impl Strategy<Value = Vec<ProfileRecord>> {
        prop::collection::btree_map(
            (name(), any::<bool>()),
            prop::option::of("[1-9]M/[1-9]M"),
            0..4,
        )
        .prop_map(|m| {
            m.into_iter()
                .map(|((n, ppp), rate)| ProfileRecord {
                    service: if ppp {
                        ServiceType::Pppoe
                    } else {
                        ServiceType::Hotspot
                    },
                    id: format!("rec-{n}"),
                    name: n,
                    pool: None,
                    local_address: String::new(),
                    dns_servers: String::new(),
                    session_timeout_s: None,
                    shared_users: 1,
                    rate_limit: rate,
                })
                .collect()
        })
    }

    fn kind() -> impl Strategy<Value = ItemKind> {
        prop::sample::select(ItemKind::ALL.to_vec())
    }

    /// Router items: some marked as ours (with stale values), some the ISP's own.
    fn router() -> impl Strategy<Value = Vec<ActualItem>> {
        prop::collection::btree_map(
            (kind(), name()),
            (any::<bool>(), "[a-z]{0,3}", any::<bool>(), any::<bool>()),
            0..12,
        )
        .prop_map(|m| {
            m.into_iter()
                .enumerate()
                .filter_map(|(i, ((kind, name), (marked, value, disabled, dynamic)))| {
                    let comment = if marked {
                        format!("{MARKER}old")
                    } else {
                        value.clone()
                    };
                    actual_with(
                        kind,
                        i as u32 + 1,
                        &name,
                        &[
                            ("comment", comment.as_str()),
                            ("password", value.as_str()),
                            ("profile", value.as_str()),
                            ("rate-limit", value.as_str()),
                            ("disabled", if disabled { "true" } else { "false" }),
                            ("dynamic", if dynamic && !marked { "true" } else { "false" }),
                        ],
                    )
                })
                .collect()
        })
    }

    fn actual_with(
        kind: ItemKind,
        id: u32,
        name: &str,
        fields: &[(&str, &str)],
    ) -> Option<ActualItem> {
        let mut props = vec![
            (".id".to_owned(), format!("*{id:X}")),
            ("name".into(), name.into()),
        ];
        props.extend(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        ActualItem::from_properties(kind, props)
    }

    proptest! {
        #[test]
        fn one_apply_converges_and_unmanaged_items_are_never_touched(
            subs in subscribers(),
            profiles in records(),
            mut router in router(),
        ) {
            let desired = desired_state(&subs, &profiles);
            let first = diff(&desired, &router);
            let unmanaged_before: Vec<ActualItem> = router
                .iter()
                .filter(|a| first.unmanaged.iter().any(|u| u.id == a.id))
                .cloned()
                .collect();
            let mut next_id = 1000;
            apply(&mut router, &first, &desired, &mut next_id);
            let second = diff(&desired, &router);
            prop_assert!(second.is_empty(), "second diff not empty: {second:?}");
            for before in &unmanaged_before {
                prop_assert!(router.contains(before), "unmanaged item touched: {before:?}");
                prop_assert!(!first.remove.iter().any(|r| r.id == before.id));
                prop_assert!(!first.change.iter().any(|c| c.id == before.id));
            }
            prop_assert_eq!(second.unmanaged, first.unmanaged);
        }
    }
}
