//! The menus the simulator models, as data: which properties each has, which a client may
//! write and how they are checked, and what a new item starts with (protocol-facts §2).

use std::net::{IpAddr, Ipv4Addr};

use crate::value::{RatePair, format_duration, parse_bool, parse_duration};

/// How a writable property's value is checked and normalised, as RouterOS prints a value back
/// in its own form (`yes` is printed `true`, `300` seconds `5m`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Text,
    Bool,
    Int,
    Ip,
    Ipv4,
    Mac,
    Duration,
    /// `upload/download` rate pairs, printed with k/M/G.
    RatePair,
    OneOf(&'static [&'static str]),
    /// A comma-separated subset of these values.
    SetOf(&'static [&'static str]),
    /// The name of an item of another menu, or one of the extra values.
    Ref(&'static str, &'static [&'static str]),
    /// An IPv4 address or the name of an item of another menu (profile addresses and pools).
    IpOrRef(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Prop {
    pub name: &'static str,
    pub kind: Kind,
}

const fn p(name: &'static str, kind: Kind) -> Prop {
    Prop { name, kind }
}

/// What kind of menu this is, which decides the verbs it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Items with IDs: print, listen, and the verbs flagged in `Verbs`.
    List(Verbs),
    /// One row without an ID: print and set.
    Settings,
    /// One computed row: print only.
    Computed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verbs {
    pub add: bool,
    pub set: bool,
    pub remove: bool,
    pub toggle: bool,
}

const CRUD: Verbs = Verbs {
    add: true,
    set: true,
    remove: true,
    toggle: true,
};
const CRUD_NO_TOGGLE: Verbs = Verbs {
    toggle: false,
    ..CRUD
};
const SESSIONS: Verbs = Verbs {
    add: false,
    set: false,
    remove: true,
    toggle: false,
};
const HARDWARE: Verbs = Verbs {
    add: false,
    set: true,
    remove: false,
    toggle: true,
};

#[derive(Debug)]
pub(crate) struct MenuSpec {
    pub path: &'static str,
    pub shape: Shape,
    /// The property that must be unique, and the trap text when it is not.
    pub key: Option<(&'static str, &'static str)>,
    /// When an add leaves the key out, RouterOS names the item itself: `queue1`, `pool1`.
    pub auto_name: Option<&'static str>,
    pub writable: &'static [Prop],
    pub required: &'static [&'static str],
    /// Properties every item has from the start, printed even when empty.
    pub defaults: &'static [(&'static str, &'static str)],
}

impl MenuSpec {
    pub(crate) fn prop(&self, name: &str) -> Option<&'static Prop> {
        self.writable.iter().find(|p| p.name == name)
    }

    pub(crate) fn verbs(&self) -> Verbs {
        match self.shape {
            Shape::List(v) => v,
            _ => Verbs {
                add: false,
                set: self.shape == Shape::Settings,
                remove: false,
                toggle: false,
            },
        }
    }
}

const SERVICES: &[&str] = &[
    "any", "async", "isdn", "l2tp", "pppoe", "pptp", "ovpn", "sstp",
];
const DEFAULT_YES_NO: &[&str] = &["default", "yes", "no", "required"];

pub(crate) static MENUS: &[MenuSpec] = &[
    MenuSpec {
        path: "/system/resource",
        shape: Shape::Computed,
        key: None,
        auto_name: None,
        writable: &[],
        required: &[],
        defaults: &[],
    },
    MenuSpec {
        path: "/system/identity",
        shape: Shape::Settings,
        key: None,
        auto_name: None,
        writable: &[p("name", Kind::Text)],
        required: &[],
        defaults: &[("name", "MikroTik")],
    },
    MenuSpec {
        path: "/interface",
        shape: Shape::List(HARDWARE),
        key: Some((
            "name",
            "failure: interface with the same name already exists",
        )),
        auto_name: None,
        writable: &[
            p("name", Kind::Text),
            p("comment", Kind::Text),
            p("mtu", Kind::Int),
            p("disabled", Kind::Bool),
        ],
        required: &[],
        defaults: &[],
    },
    MenuSpec {
        path: "/ppp/secret",
        shape: Shape::List(CRUD),
        key: Some(("name", "failure: secret with the same name already exists")),
        auto_name: None,
        writable: &[
            p("name", Kind::Text),
            p("password", Kind::Text),
            p("service", Kind::OneOf(SERVICES)),
            p("profile", Kind::Ref("/ppp/profile", &[])),
            p("local-address", Kind::Ipv4),
            p("remote-address", Kind::Ipv4),
            p("caller-id", Kind::Text),
            p("routes", Kind::Text),
            p("limit-bytes-in", Kind::Int),
            p("limit-bytes-out", Kind::Int),
            p("disabled", Kind::Bool),
            p("comment", Kind::Text),
        ],
        required: &["name"],
        defaults: &[
            ("service", "any"),
            ("caller-id", ""),
            ("password", ""),
            ("profile", "default"),
            ("routes", ""),
            ("limit-bytes-in", "0"),
            ("limit-bytes-out", "0"),
            ("disabled", "false"),
        ],
    },
    MenuSpec {
        path: "/ppp/active",
        shape: Shape::List(SESSIONS),
        key: None,
        auto_name: None,
        writable: &[],
        required: &[],
        defaults: &[],
    },
    MenuSpec {
        path: "/ppp/profile",
        shape: Shape::List(CRUD_NO_TOGGLE),
        key: Some(("name", "failure: profile with the same name already exists")),
        auto_name: None,
        writable: &[
            p("name", Kind::Text),
            p("local-address", Kind::IpOrRef("/ip/pool")),
            p("remote-address", Kind::IpOrRef("/ip/pool")),
            p("rate-limit", Kind::Text),
            p("only-one", Kind::OneOf(DEFAULT_YES_NO)),
            p("dns-server", Kind::Text),
            p("wins-server", Kind::Text),
            p("address-list", Kind::Text),
            p("idle-timeout", Kind::Duration),
            p("session-timeout", Kind::Duration),
            p("parent-queue", Kind::Ref("/queue/simple", &["none"])),
            p("queue-type", Kind::Text),
            p("incoming-filter", Kind::Text),
            p("outgoing-filter", Kind::Text),
            p("on-up", Kind::Text),
            p("on-down", Kind::Text),
            p("change-tcp-mss", Kind::OneOf(DEFAULT_YES_NO)),
            p("use-encryption", Kind::OneOf(DEFAULT_YES_NO)),
            p("use-compression", Kind::OneOf(DEFAULT_YES_NO)),
            p("use-mpls", Kind::OneOf(DEFAULT_YES_NO)),
            p("use-upnp", Kind::OneOf(DEFAULT_YES_NO)),
            p("comment", Kind::Text),
        ],
        required: &["name"],
        defaults: &[
            ("only-one", "default"),
            ("change-tcp-mss", "default"),
            ("use-encryption", "default"),
            ("use-compression", "default"),
            ("use-mpls", "default"),
            ("use-upnp", "default"),
            ("on-up", ""),
            ("on-down", ""),
            ("default", "false"),
        ],
    },
    MenuSpec {
        path: "/ppp/aaa",
        shape: Shape::Settings,
        key: None,
        auto_name: None,
        writable: &[
            p("use-radius", Kind::Bool),
            p("accounting", Kind::Bool),
            p("interim-update", Kind::Duration),
            p("use-circuit-id-in-nas-port-id", Kind::Bool),
        ],
        required: &[],
        defaults: &[
            ("use-radius", "false"),
            ("accounting", "true"),
            ("interim-update", "0s"),
            ("use-circuit-id-in-nas-port-id", "false"),
        ],
    },
    MenuSpec {
        path: "/ip/hotspot/user",
        shape: Shape::List(CRUD),
        key: Some((
            "name",
            "failure: already have user with this name for this server",
        )),
        auto_name: None,
        writable: &[
            p("name", Kind::Text),
            p("password", Kind::Text),
            p("server", Kind::Text),
            p("profile", Kind::Ref("/ip/hotspot/user/profile", &[])),
            p("address", Kind::Ipv4),
            p("mac-address", Kind::Mac),
            p("email", Kind::Text),
            p("routes", Kind::Text),
            p("limit-uptime", Kind::Duration),
            p("limit-bytes-in", Kind::Int),
            p("limit-bytes-out", Kind::Int),
            p("limit-bytes-total", Kind::Int),
            p("disabled", Kind::Bool),
            p("comment", Kind::Text),
        ],
        required: &["name"],
        defaults: &[
            ("server", "all"),
            ("profile", "default"),
            ("uptime", "0s"),
            ("bytes-in", "0"),
            ("bytes-out", "0"),
            ("packets-in", "0"),
            ("packets-out", "0"),
            ("dynamic", "false"),
            ("disabled", "false"),
        ],
    },
    MenuSpec {
        path: "/ip/hotspot/active",
        shape: Shape::List(SESSIONS),
        key: None,
        auto_name: None,
        writable: &[],
        required: &[],
        defaults: &[],
    },
    MenuSpec {
        path: "/ip/hotspot/user/profile",
        shape: Shape::List(CRUD_NO_TOGGLE),
        key: Some(("name", "failure: profile with the same name already exists")),
        auto_name: None,
        writable: &[
            p("name", Kind::Text),
            p("address-pool", Kind::Ref("/ip/pool", &["none"])),
            p("rate-limit", Kind::Text),
            p("shared-users", Kind::Text),
            p("session-timeout", Kind::Duration),
            p("idle-timeout", Kind::Text),
            p("keepalive-timeout", Kind::Text),
            p("status-autorefresh", Kind::Duration),
            p("add-mac-cookie", Kind::Bool),
            p("mac-cookie-timeout", Kind::Duration),
            p("address-list", Kind::Text),
            p("incoming-filter", Kind::Text),
            p("outgoing-filter", Kind::Text),
            p("parent-queue", Kind::Ref("/queue/simple", &["none"])),
            p("on-login", Kind::Text),
            p("on-logout", Kind::Text),
            p("transparent-proxy", Kind::Bool),
        ],
        required: &["name"],
        defaults: &[
            ("shared-users", "1"),
            ("status-autorefresh", "1m"),
            ("idle-timeout", "none"),
            ("keepalive-timeout", "2m"),
            ("add-mac-cookie", "true"),
            ("mac-cookie-timeout", "3d"),
            ("transparent-proxy", "false"),
            ("default", "false"),
        ],
    },
    MenuSpec {
        path: "/queue/simple",
        shape: Shape::List(CRUD),
        key: Some(("name", "failure: already have such name")),
        auto_name: Some("queue"),
        writable: &[
            p("name", Kind::Text),
            p("target", Kind::Text),
            p("dst", Kind::Text),
            p("max-limit", Kind::RatePair),
            p("limit-at", Kind::RatePair),
            p("burst-limit", Kind::RatePair),
            p("burst-threshold", Kind::RatePair),
            p("burst-time", Kind::Text),
            p("priority", Kind::Text),
            p("queue", Kind::Text),
            p("parent", Kind::Ref("/queue/simple", &["none"])),
            p("packet-marks", Kind::Text),
            p("time", Kind::Text),
            p("disabled", Kind::Bool),
            p("comment", Kind::Text),
        ],
        required: &["target"],
        defaults: &[
            ("parent", "none"),
            ("packet-marks", ""),
            ("priority", "8/8"),
            ("queue", "default-small/default-small"),
            ("limit-at", "0/0"),
            ("max-limit", "0/0"),
            ("burst-limit", "0/0"),
            ("burst-threshold", "0/0"),
            ("burst-time", "0s/0s"),
            ("bytes", "0/0"),
            ("packets", "0/0"),
            ("rate", "0/0"),
            ("dynamic", "false"),
            ("invalid", "false"),
            ("disabled", "false"),
        ],
    },
    MenuSpec {
        path: "/ip/pool",
        shape: Shape::List(CRUD_NO_TOGGLE),
        key: Some(("name", "failure: pool with such name exists")),
        auto_name: Some("pool"),
        writable: &[
            p("name", Kind::Text),
            p("ranges", Kind::Text),
            p("next-pool", Kind::Ref("/ip/pool", &["none"])),
            p("comment", Kind::Text),
        ],
        required: &["ranges"],
        defaults: &[("next-pool", "none")],
    },
    MenuSpec {
        path: "/radius",
        shape: Shape::List(CRUD),
        key: None,
        auto_name: None,
        writable: &[
            p(
                "service",
                Kind::SetOf(&[
                    "ppp", "hotspot", "login", "wireless", "dhcp", "ipsec", "dot1x",
                ]),
            ),
            p("address", Kind::Ip),
            p("secret", Kind::Text),
            p("authentication-port", Kind::Int),
            p("accounting-port", Kind::Int),
            p("timeout", Kind::Duration),
            p("src-address", Kind::Ip),
            p("protocol", Kind::OneOf(&["udp", "radsec"])),
            p("realm", Kind::Text),
            p("called-id", Kind::Text),
            p("domain", Kind::Text),
            p("accounting-backup", Kind::Bool),
            p(
                "require-message-auth",
                Kind::OneOf(&["no", "yes-for-request-resp"]),
            ),
            p("disabled", Kind::Bool),
            p("comment", Kind::Text),
        ],
        required: &["address"],
        defaults: &[
            ("service", ""),
            ("called-id", ""),
            ("domain", ""),
            ("secret", ""),
            ("authentication-port", "1812"),
            ("accounting-port", "1813"),
            ("timeout", "300ms"),
            ("accounting-backup", "false"),
            ("realm", ""),
            ("src-address", "0.0.0.0"),
            ("protocol", "udp"),
            ("require-message-auth", "no"),
            ("disabled", "false"),
        ],
    },
    MenuSpec {
        path: "/radius/incoming",
        shape: Shape::Settings,
        key: None,
        auto_name: None,
        writable: &[p("accept", Kind::Bool), p("port", Kind::Int)],
        required: &[],
        defaults: &[("accept", "false"), ("port", "3799")],
    },
];

pub(crate) fn menu(path: &str) -> Option<&'static MenuSpec> {
    MENUS.iter().find(|m| m.path == path)
}

/// Why a value was refused: the trap message.
pub(crate) enum Invalid {
    /// `invalid value for argument …`
    Value,
    /// `input does not match any value of …`
    NoMatch,
}

/// Checks a value against its kind and returns it as RouterOS would print it. `exists` says
/// whether a name exists in another menu.
pub(crate) fn normalise(
    kind: Kind,
    value: &str,
    exists: impl Fn(&str, &str) -> bool,
) -> Result<String, Invalid> {
    let ok = |valid: bool| {
        if valid {
            Ok(value.to_owned())
        } else {
            Err(Invalid::Value)
        }
    };
    match kind {
        Kind::Text => Ok(value.to_owned()),
        Kind::Bool => parse_bool(value)
            .map(|b| b.to_string())
            .ok_or(Invalid::Value),
        Kind::Int => value
            .parse::<u64>()
            .map(|n| n.to_string())
            .map_err(|_| Invalid::Value),
        Kind::Ip => ok(value.parse::<IpAddr>().is_ok()),
        Kind::Ipv4 => ok(value.parse::<Ipv4Addr>().is_ok()),
        Kind::Mac => {
            let parts: Vec<&str> = value.split(':').collect();
            let valid = parts.len() == 6
                && parts
                    .iter()
                    .all(|p| p.len() == 2 && u8::from_str_radix(p, 16).is_ok());
            if valid {
                Ok(value.to_uppercase())
            } else {
                Err(Invalid::Value)
            }
        }
        Kind::Duration => parse_duration(value)
            .map(format_duration)
            .ok_or(Invalid::Value),
        Kind::RatePair => RatePair::parse(value)
            .map(|r| r.to_string())
            .ok_or(Invalid::Value),
        Kind::OneOf(values) => {
            if values.contains(&value) {
                Ok(value.to_owned())
            } else {
                Err(Invalid::NoMatch)
            }
        }
        Kind::SetOf(values) => {
            if value
                .split(',')
                .all(|v| v.is_empty() || values.contains(&v))
            {
                Ok(value.to_owned())
            } else {
                Err(Invalid::NoMatch)
            }
        }
        Kind::Ref(menu, extra) => {
            if extra.contains(&value) || exists(menu, value) {
                Ok(value.to_owned())
            } else {
                Err(Invalid::NoMatch)
            }
        }
        Kind::IpOrRef(menu) => {
            if value.parse::<Ipv4Addr>().is_ok() || exists(menu, value) {
                Ok(value.to_owned())
            } else {
                Err(Invalid::NoMatch)
            }
        }
    }
}
