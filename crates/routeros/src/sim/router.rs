//! The simulated router's state and the commands that read and change it. Protocol concerns
//! (login, tags, streaming) live in `session.rs`; this file is what a router *is*.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use super::RouterVersion;
use super::query;
use super::schema::{self, Invalid, MenuSpec, Shape};
use crate::sentence::ItemId;
use crate::value::{RatePair, format_duration};

/// An attribute row as sent: ordered `(name, value)` pairs.
pub(crate) type Words = Vec<(String, String)>;

/// A refusal, sent as `!trap`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trap {
    pub category: Option<u32>,
    pub message: String,
}

impl Trap {
    pub(crate) fn new(category: Option<u32>, message: impl Into<String>) -> Self {
        Trap {
            category,
            message: message.into(),
        }
    }

    pub(crate) fn no_such_item() -> Self {
        Trap::new(Some(0), "no such item")
    }

    fn unknown_parameter(name: &str) -> Self {
        Trap::new(Some(1), format!("unknown parameter {name}"))
    }
}

/// What a finished command sends: rows, then `!done` with these attributes.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub rows: Vec<Words>,
    pub done: Words,
}

/// A change for `listen`: the item as it is now, or its ID with `.dead=yes`.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub path: &'static str,
    pub row: Words,
}

/// Traffic that moves by itself: a smooth rate around a base, integrated into counters.
#[derive(Debug, Clone)]
struct Traffic {
    base_bps: f64,
    phase: f64,
    rx_bytes: f64,
    tx_bytes: f64,
}

impl Traffic {
    fn new(base_bps: f64, phase: f64) -> Self {
        Traffic {
            base_bps,
            phase,
            rx_bytes: 0.0,
            tx_bytes: 0.0,
        }
    }

    /// Bits per second at `t` seconds after boot: (rx, tx), rx being what the router receives.
    fn rates(&self, t: f64) -> (f64, f64) {
        let rx = self.base_bps * (1.0 + 0.5 * (t / 7.0 + self.phase).sin());
        let tx = self.base_bps * 0.3 * (1.0 + 0.5 * (t / 5.0 + self.phase).cos());
        (rx, tx)
    }
}

/// Bytes per packet, for packet counters derived from byte counters.
const PACKET_SIZE: f64 = 800.0;

#[derive(Debug, Clone)]
struct Item {
    id: u64,
    props: BTreeMap<String, String>,
    since: Instant,
    traffic: Option<Traffic>,
}

#[derive(Debug, Default)]
struct Table {
    items: Vec<Item>,
    next_id: u64,
    next_dynamic_id: u64,
}

/// Dynamic items (sessions, their interfaces and queues) get IDs from the top half, as on a
/// router, so they never collide with configured items.
const DYNAMIC_IDS: u64 = 0x8000_0000;

/// The whole simulated router.
pub(crate) struct Router {
    version: RouterVersion,
    booted: Instant,
    last_tick: Instant,
    tables: HashMap<&'static str, Table>,
    settings: HashMap<&'static str, BTreeMap<String, String>>,
    changes: broadcast::Sender<Change>,
}

impl Router {
    pub(crate) fn new(version: RouterVersion, identity: &str) -> Self {
        let now = Instant::now();
        let (changes, _) = broadcast::channel(1024);
        let mut router = Router {
            version,
            booted: now,
            last_tick: now,
            tables: HashMap::new(),
            settings: HashMap::new(),
            changes,
        };
        for spec in schema::MENUS {
            match spec.shape {
                Shape::List(_) => {
                    router.tables.insert(
                        spec.path,
                        Table {
                            next_id: 1,
                            next_dynamic_id: DYNAMIC_IDS,
                            ..Table::default()
                        },
                    );
                }
                Shape::Settings => {
                    router.settings.insert(spec.path, defaults(spec));
                }
                Shape::Computed => {}
            }
        }
        router
            .setting_mut("/system/identity")
            .insert("name".into(), identity.into());
        router.seed();
        router
    }

    /// What a fresh router has: five Ethernet ports (two with a link), the built-in PPP
    /// profiles and the default hotspot user profile.
    fn seed(&mut self) {
        for n in 1..=5u64 {
            let running = n <= 2;
            let name = format!("ether{n}");
            let mut props = BTreeMap::new();
            for (k, v) in [
                ("name", name.as_str()),
                ("default-name", name.as_str()),
                ("type", "ether"),
                ("mtu", "1500"),
                ("actual-mtu", "1500"),
                ("l2mtu", "1598"),
                ("max-l2mtu", "9214"),
                ("mac-address", &format!("48:8F:5A:00:00:{n:02X}")),
                ("running", if running { "true" } else { "false" }),
                ("disabled", "false"),
                ("dynamic", "false"),
                ("slave", "false"),
                ("link-downs", "0"),
            ] {
                props.insert(k.to_owned(), v.to_owned());
            }
            let traffic = running.then(|| Traffic::new(20_000_000.0 / n as f64, n as f64));
            self.insert_item("/interface", None, props, traffic);
        }
        // The built-in profiles carry fixed IDs on real routers.
        let ppp_profiles = [
            (0u64, "default", "default"),
            (0xFFFF_FFFE, "default-encryption", "yes"),
        ];
        for (id, name, encryption) in ppp_profiles {
            let mut props = defaults(schema::menu("/ppp/profile").expect("modelled"));
            props.insert("name".into(), name.into());
            props.insert("use-encryption".into(), encryption.into());
            props.insert("default".into(), "true".into());
            self.insert_item("/ppp/profile", Some(id), props, None);
        }
        let mut props = defaults(schema::menu("/ip/hotspot/user/profile").expect("modelled"));
        props.insert("name".into(), "default".into());
        props.insert("default".into(), "true".into());
        self.insert_item("/ip/hotspot/user/profile", Some(0), props, None);
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    pub(crate) fn version(&self) -> RouterVersion {
        self.version
    }

    fn setting_mut(&mut self, path: &'static str) -> &mut BTreeMap<String, String> {
        self.settings.entry(path).or_default()
    }

    fn table(&self, path: &str) -> &Table {
        self.tables.get(path).expect("every list menu has a table")
    }

    fn table_mut(&mut self, path: &str) -> &mut Table {
        self.tables
            .get_mut(path)
            .expect("every list menu has a table")
    }

    fn insert_item(
        &mut self,
        path: &'static str,
        id: Option<u64>,
        props: BTreeMap<String, String>,
        traffic: Option<Traffic>,
    ) -> u64 {
        let table = self.table_mut(path);
        let id = id.unwrap_or_else(|| {
            let id = table.next_id;
            table.next_id += 1;
            id
        });
        table.items.push(Item {
            id,
            props,
            since: Instant::now(),
            traffic,
        });
        id
    }

    fn insert_dynamic(
        &mut self,
        path: &'static str,
        props: BTreeMap<String, String>,
        traffic: Option<Traffic>,
    ) -> u64 {
        let table = self.table_mut(path);
        table.next_dynamic_id += 1;
        let id = table.next_dynamic_id;
        self.insert_item(path, Some(id), props, traffic);
        self.announce(path, id);
        id
    }

    /// Advances the traffic counters to now.
    pub(crate) fn tick(&mut self) {
        let now = Instant::now();
        let dt = now.duration_since(self.last_tick).as_secs_f64();
        let t = now.duration_since(self.booted).as_secs_f64();
        self.last_tick = now;
        for path in ["/interface", "/ip/hotspot/active"] {
            for item in &mut self.table_mut(path).items {
                let up = item.props.get("disabled").is_none_or(|d| d != "true")
                    && item.props.get("running").is_none_or(|r| r == "true");
                if let (Some(traffic), true) = (&mut item.traffic, up) {
                    let (rx, tx) = traffic.rates(t);
                    traffic.rx_bytes += rx * dt / 8.0;
                    traffic.tx_bytes += tx * dt / 8.0;
                }
            }
        }
    }

    fn exists(&self, path: &str, name: &str) -> bool {
        self.tables.get(path).is_some_and(|t| {
            t.items
                .iter()
                .any(|i| i.props.get("name").is_some_and(|n| n == name))
        })
    }

    /// An item as `print` shows it: `.id`, stored properties, then live ones.
    fn render(&self, path: &str, item: &Item) -> Words {
        let mut row: Words = vec![(".id".into(), ItemId::from_number(item.id).to_string())];
        row.extend(item.props.iter().map(|(k, v)| (k.clone(), v.clone())));
        let uptime = format_duration(Duration::from_secs(item.since.elapsed().as_secs()));
        match path {
            "/interface" => {
                let (rx, tx) = item
                    .traffic
                    .as_ref()
                    .map_or((0.0, 0.0), |t| (t.rx_bytes, t.tx_bytes));
                for (name, value) in [
                    ("rx-byte", rx),
                    ("tx-byte", tx),
                    ("rx-packet", rx / PACKET_SIZE),
                    ("tx-packet", tx / PACKET_SIZE),
                ] {
                    row.push((name.into(), (value as u64).to_string()));
                }
                for name in [
                    "rx-drop",
                    "tx-drop",
                    "tx-queue-drop",
                    "rx-error",
                    "tx-error",
                ] {
                    row.push((name.into(), "0".into()));
                }
            }
            "/ppp/active" => row.push(("uptime".into(), uptime)),
            "/ip/hotspot/active" => {
                let (rx, tx) = item
                    .traffic
                    .as_ref()
                    .map_or((0.0, 0.0), |t| (t.rx_bytes, t.tx_bytes));
                row.push(("uptime".into(), uptime));
                row.push(("idle-time".into(), "0s".into()));
                // From the client's point of view: in = what the router received.
                row.push(("bytes-in".into(), (rx as u64).to_string()));
                row.push(("bytes-out".into(), (tx as u64).to_string()));
                row.push(("packets-in".into(), ((rx / PACKET_SIZE) as u64).to_string()));
                row.push((
                    "packets-out".into(),
                    ((tx / PACKET_SIZE) as u64).to_string(),
                ));
            }
            _ => {}
        }
        row
    }

    fn announce(&self, path: &'static str, id: u64) {
        if let Some(item) = self.table(path).items.iter().find(|i| i.id == id) {
            let row = self.render(path, item);
            _ = self.changes.send(Change { path, row });
        }
    }

    fn announce_removal(&self, path: &'static str, id: u64) {
        let row = vec![
            (".id".into(), ItemId::from_number(id).to_string()),
            (".dead".into(), "yes".into()),
        ];
        _ = self.changes.send(Change { path, row });
    }

    /// Every row of a menu as `print` shows it, before queries and `.proplist`.
    pub(crate) fn rows(&self, spec: &MenuSpec) -> Vec<Words> {
        match spec.shape {
            Shape::List(_) => self
                .table(spec.path)
                .items
                .iter()
                .map(|i| self.render(spec.path, i))
                .collect(),
            Shape::Settings => vec![
                self.settings[spec.path]
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ],
            Shape::Computed => vec![self.resource()],
        }
    }

    pub(crate) fn print(
        &self,
        spec: &MenuSpec,
        args: &[(String, String)],
        queries: &[String],
    ) -> Result<Outcome, Trap> {
        let mut proplist = None;
        let mut count_only = false;
        for (name, value) in args {
            match name.as_str() {
                ".proplist" => proplist = Some(value.clone()),
                "count-only" => count_only = true,
                "detail" | "stats" | "without-paging" | "terse" | "brief" => {}
                other => return Err(Trap::unknown_parameter(other)),
            }
        }
        let bad_query = |q: query::BadQuery| Trap::new(Some(1), format!("invalid query {}", q.0));
        // Checked once up front, so an empty menu refuses a bad query too.
        query::matches(queries, |_| None).map_err(bad_query)?;
        let mut rows = Vec::new();
        for row in self.rows(spec) {
            let get = |name: &str| row.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
            if query::matches(queries, get).map_err(bad_query)? {
                rows.push(select(row, proplist.as_deref()));
            }
        }
        if count_only {
            return Ok(Outcome {
                rows: Vec::new(),
                done: vec![("ret".into(), rows.len().to_string())],
            });
        }
        Ok(Outcome {
            rows,
            done: Vec::new(),
        })
    }

    /// Checks and normalises the writable arguments of an add or set.
    fn writes(
        &self,
        spec: &MenuSpec,
        args: &[(String, String)],
    ) -> Result<Vec<(&'static str, String)>, Trap> {
        let mut out = Vec::new();
        for (name, value) in args {
            let prop = spec
                .prop(name)
                .ok_or_else(|| Trap::unknown_parameter(name))?;
            if value.is_empty() {
                out.push((prop.name, String::new()));
                continue;
            }
            let value = schema::normalise(prop.kind, value, |menu, n| self.exists(menu, n))
                .map_err(|why| match why {
                    Invalid::Value => {
                        Trap::new(Some(1), format!("invalid value for argument {name}"))
                    }
                    Invalid::NoMatch => {
                        Trap::new(Some(1), format!("input does not match any value of {name}"))
                    }
                })?;
            out.push((prop.name, value));
        }
        Ok(out)
    }

    fn check_unique(&self, spec: &MenuSpec, value: &str, except: Option<u64>) -> Result<(), Trap> {
        let Some((key, message)) = spec.key else {
            return Ok(());
        };
        let clash = self
            .table(spec.path)
            .items
            .iter()
            .any(|i| Some(i.id) != except && i.props.get(key).is_some_and(|v| v == value));
        // RouterOS sends duplicate-name refusals without a category.
        if clash {
            Err(Trap::new(None, message))
        } else {
            Ok(())
        }
    }

    pub(crate) fn add(
        &mut self,
        spec: &'static MenuSpec,
        args: &[(String, String)],
    ) -> Result<Outcome, Trap> {
        let writes = self.writes(spec, args)?;
        let mut props = defaults(spec);
        if self.version == RouterVersion::V7 && spec.path == "/ppp/secret" {
            props.insert("last-logged-out".into(), "1970-01-01 00:00:00".into());
            props.insert("last-disconnect-reason".into(), String::new());
            props.insert("last-caller-id".into(), String::new());
        }
        for (name, value) in writes {
            set_prop(spec, &mut props, name, value);
        }
        let missing: Vec<&str> = spec
            .required
            .iter()
            .copied()
            .filter(|r| props.get(*r).is_none_or(String::is_empty))
            .collect();
        if !missing.is_empty() {
            return Err(Trap::new(
                Some(1),
                format!("missing value(s) of argument(s) {}", missing.join(",")),
            ));
        }
        if let Some((key, _)) = spec.key {
            if !props.contains_key(key)
                && let Some(prefix) = spec.auto_name
            {
                let name = (1..)
                    .map(|n| format!("{prefix}{n}"))
                    .find(|n| !self.exists(spec.path, n))
                    .expect("an unused name exists");
                props.insert(key.into(), name);
            }
            if let Some(value) = props.get(key) {
                self.check_unique(spec, value, None)?;
            }
        }
        let id = self.insert_item(spec.path, None, props, None);
        self.announce(spec.path, id);
        Ok(Outcome {
            rows: Vec::new(),
            done: vec![("ret".into(), ItemId::from_number(id).to_string())],
        })
    }

    /// Finds items by `.id` or `numbers`: comma-separated `*ID`s or key names.
    fn targets(&self, spec: &MenuSpec, args: &[(String, String)]) -> Result<Vec<u64>, Trap> {
        let list = args
            .iter()
            .find(|(k, _)| k == ".id" || k == "numbers")
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| Trap::new(Some(1), "missing value(s) of argument(s) .id"))?;
        let table = self.table(spec.path);
        list.split(',')
            .map(|one| {
                let found = match ItemId::new(one).number() {
                    Some(n) => table.items.iter().find(|i| i.id == n),
                    None => spec.key.and_then(|(key, _)| {
                        table
                            .items
                            .iter()
                            .find(|i| i.props.get(key).is_some_and(|v| v == one))
                    }),
                };
                found.map(|i| i.id).ok_or_else(Trap::no_such_item)
            })
            .collect()
    }

    fn without_targets(args: &[(String, String)]) -> Vec<(String, String)> {
        args.iter()
            .filter(|(k, _)| k != ".id" && k != "numbers")
            .cloned()
            .collect()
    }

    pub(crate) fn set(
        &mut self,
        spec: &'static MenuSpec,
        args: &[(String, String)],
    ) -> Result<Outcome, Trap> {
        if spec.shape == Shape::Settings {
            let writes = self.writes(spec, args)?;
            let settings = self.setting_mut(spec.path);
            for (name, value) in writes {
                settings.insert(name.into(), value);
            }
            let row = settings
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            _ = self.changes.send(Change {
                path: spec.path,
                row,
            });
            return Ok(Outcome::default());
        }
        let ids = self.targets(spec, args)?;
        let writes = self.writes(spec, &Self::without_targets(args))?;
        for &id in &ids {
            if let Some((key, _)) = spec.key
                && let Some((_, value)) = writes.iter().find(|(n, _)| *n == key)
            {
                self.check_unique(spec, value, Some(id))?;
            }
        }
        for &id in &ids {
            let item = self.item_mut(spec.path, id);
            for (name, value) in &writes {
                set_prop(spec, &mut item.props, name, value.clone());
            }
            self.announce(spec.path, id);
        }
        Ok(Outcome::default())
    }

    pub(crate) fn toggle(
        &mut self,
        spec: &'static MenuSpec,
        args: &[(String, String)],
        disabled: bool,
    ) -> Result<Outcome, Trap> {
        if let Some((name, _)) = Self::without_targets(args).first() {
            return Err(Trap::unknown_parameter(name));
        }
        for id in self.targets(spec, args)? {
            self.item_mut(spec.path, id)
                .props
                .insert("disabled".into(), disabled.to_string());
            self.announce(spec.path, id);
        }
        Ok(Outcome::default())
    }

    pub(crate) fn remove(
        &mut self,
        spec: &'static MenuSpec,
        args: &[(String, String)],
    ) -> Result<Outcome, Trap> {
        if let Some((name, _)) = Self::without_targets(args).first() {
            return Err(Trap::unknown_parameter(name));
        }
        let ids = self.targets(spec, args)?;
        let table = self.table(spec.path);
        if ids.iter().any(|id| {
            table
                .items
                .iter()
                .any(|i| i.id == *id && i.props.get("default").is_some_and(|d| d == "true"))
        }) {
            return Err(Trap::new(None, "failure: can not remove default profile"));
        }
        for id in ids {
            self.remove_item(spec.path, id);
        }
        Ok(Outcome::default())
    }

    fn item_mut(&mut self, path: &str, id: u64) -> &mut Item {
        self.table_mut(path)
            .items
            .iter_mut()
            .find(|i| i.id == id)
            .expect("targets() found it")
    }

    fn remove_item(&mut self, path: &'static str, id: u64) {
        let table = self.table_mut(path);
        let Some(at) = table.items.iter().position(|i| i.id == id) else {
            return;
        };
        let item = table.items.remove(at);
        self.announce_removal(path, id);
        // A session takes its dynamic interface and queue with it.
        if path == "/ppp/active"
            && let Some(name) = item.props.get("name")
        {
            let dynamic = format!("<pppoe-{name}>");
            for menu in ["/interface", "/queue/simple"] {
                let ids: Vec<u64> = self
                    .table(menu)
                    .items
                    .iter()
                    .filter(|i| i.props.get("name") == Some(&dynamic))
                    .map(|i| i.id)
                    .collect();
                for id in ids {
                    self.remove_item(menu, id);
                }
            }
        }
    }

    /// `/system/resource/print`.
    fn resource(&self) -> Words {
        self.resource_at(self.booted.elapsed())
    }

    /// `/system/resource/print` after `uptime`: CPU load and free memory wander with time.
    fn resource_at(&self, uptime: Duration) -> Words {
        let t = uptime.as_secs_f64();
        let load = (25.0 + 20.0 * (t / 11.0).sin()).round() as u64;
        let total_memory: u64 = 268_435_456;
        // Half the memory free, give or take 8 MB.
        let free_memory = (total_memory as f64 / 2.0 + (t / 13.0).cos() * 8_000_000.0) as u64;
        let (version, build_time, cpu, arch, board) = match self.version {
            RouterVersion::V6 => (
                "6.42.12 (long-term)",
                "Feb/08/2019 09:41:06",
                "MIPS 24Kc V7.4",
                "mipsbe",
                "RB OmniTIK UPA-5HnD",
            ),
            RouterVersion::V7 => (
                "7.18.2 (stable)",
                "2025-03-11 11:59:04",
                "ARM",
                "arm",
                "hEX S",
            ),
        };
        [
            (
                "uptime",
                format_duration(Duration::from_secs(uptime.as_secs())),
            ),
            ("version", version.into()),
            ("build-time", build_time.into()),
            ("factory-software", "6.40.5".into()),
            ("free-memory", free_memory.to_string()),
            ("total-memory", total_memory.to_string()),
            ("cpu", cpu.into()),
            ("cpu-count", "4".into()),
            ("cpu-frequency", "880".into()),
            ("cpu-load", load.to_string()),
            ("free-hdd-space", "13447168".into()),
            ("total-hdd-space", "16777216".into()),
            ("write-sect-since-reboot", "1070".into()),
            ("write-sect-total", "8926".into()),
            ("bad-blocks", "0".into()),
            ("architecture-name", arch.into()),
            ("board-name", board.into()),
            ("platform", "MikroTik".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// One `monitor-traffic` reading for each named interface, or `aggregate` for all.
    pub(crate) fn traffic_sample(&self, names: &[String]) -> Result<Vec<Words>, Trap> {
        let t = self.booted.elapsed().as_secs_f64();
        let interfaces = &self.table("/interface").items;
        let rates = |item: &Item| {
            let up = item.props.get("disabled").is_none_or(|d| d != "true")
                && item.props.get("running").is_none_or(|r| r == "true");
            match (&item.traffic, up) {
                (Some(traffic), true) => traffic.rates(t),
                _ => (0.0, 0.0),
            }
        };
        names
            .iter()
            .map(|name| {
                let (rx, tx) = if name == "aggregate" {
                    interfaces
                        .iter()
                        .map(rates)
                        .fold((0.0, 0.0), |(a, b), (c, d)| (a + c, b + d))
                } else {
                    let item = interfaces
                        .iter()
                        .find(|i| i.props.get("name") == Some(name))
                        .ok_or_else(|| {
                            Trap::new(Some(1), "input does not match any value of interface")
                        })?;
                    rates(item)
                };
                let pps = |bps: f64| (bps / 8.0 / PACKET_SIZE).round() as u64;
                Ok([
                    ("name", name.clone()),
                    ("rx-packets-per-second", pps(rx).to_string()),
                    ("rx-bits-per-second", (rx.round() as u64).to_string()),
                    ("fp-rx-packets-per-second", "0".into()),
                    ("fp-rx-bits-per-second", "0".into()),
                    ("rx-drops-per-second", "0".into()),
                    ("rx-errors-per-second", "0".into()),
                    ("tx-packets-per-second", pps(tx).to_string()),
                    ("tx-bits-per-second", (tx.round() as u64).to_string()),
                    ("fp-tx-packets-per-second", "0".into()),
                    ("fp-tx-bits-per-second", "0".into()),
                    ("tx-drops-per-second", "0".into()),
                    ("tx-queue-drops-per-second", "0".into()),
                    ("tx-errors-per-second", "0".into()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect())
            })
            .collect()
    }

    /// A PPP client logs in. Refused when its local secret is disabled; a user with no local
    /// secret is taken to have come through RADIUS.
    pub(crate) fn connect_ppp(
        &mut self,
        name: &str,
        address: IpAddr,
    ) -> Result<ItemId, SessionRefused> {
        let secret = self
            .table("/ppp/secret")
            .items
            .iter()
            .find(|i| i.props.get("name").is_some_and(|n| n == name))
            .map(|i| i.props.clone());
        if secret
            .as_ref()
            .is_some_and(|s| s.get("disabled").is_some_and(|d| d == "true"))
        {
            return Err(SessionRefused(format!("secret {name} is disabled")));
        }
        let service = secret
            .as_ref()
            .and_then(|s| s.get("service"))
            .filter(|s| *s != "any")
            .cloned()
            .unwrap_or_else(|| "pppoe".into());
        let profile = secret
            .as_ref()
            .and_then(|s| s.get("profile").cloned())
            .unwrap_or_else(|| "default".into());
        let n = self.table("/ppp/active").next_dynamic_id + 1 - DYNAMIC_IDS;
        let mut props = BTreeMap::new();
        for (k, v) in [
            ("name", name.to_owned()),
            ("service", service),
            (
                "caller-id",
                format!(
                    "02:00:5E:{:02X}:{:02X}:{:02X}",
                    (n >> 16) & 0xFF,
                    (n >> 8) & 0xFF,
                    n & 0xFF
                ),
            ),
            ("address", address.to_string()),
            ("encoding", String::new()),
            ("session-id", format!("0x81{n:06X}")),
            ("limit-bytes-in", "0".into()),
            ("limit-bytes-out", "0".into()),
            ("radius", secret.is_none().to_string()),
        ] {
            props.insert(k.to_owned(), v);
        }
        let id = self.insert_dynamic("/ppp/active", props, None);

        let interface = format!("<pppoe-{name}>");
        let mut props = BTreeMap::new();
        for (k, v) in [
            ("name", interface.as_str()),
            ("type", "pppoe-in"),
            ("mtu", "1480"),
            ("actual-mtu", "1480"),
            ("running", "true"),
            ("disabled", "false"),
            ("dynamic", "true"),
            ("link-downs", "0"),
        ] {
            props.insert(k.to_owned(), v.to_owned());
        }
        self.insert_dynamic(
            "/interface",
            props,
            Some(Traffic::new(2_000_000.0, n as f64)),
        );

        let rate_limit = self
            .table("/ppp/profile")
            .items
            .iter()
            .find(|i| i.props.get("name") == Some(&profile))
            .and_then(|i| i.props.get("rate-limit").cloned());
        if let Some(limit) = rate_limit
            .as_deref()
            .and_then(|r| r.split_whitespace().next())
            && let Some(pair) = RatePair::parse(limit)
        {
            let mut props = defaults(schema::menu("/queue/simple").expect("modelled"));
            props.insert("name".into(), interface.clone());
            props.insert("target".into(), format!("{address}/32"));
            // rx is the client's upload: the first half of a queue's upload/download pair.
            props.insert("max-limit".into(), pair.to_string());
            props.insert("dynamic".into(), "true".into());
            self.insert_dynamic("/queue/simple", props, None);
        }
        Ok(ItemId::from_number(id))
    }

    /// Ends every session of a PPP user; whether there was one.
    pub(crate) fn disconnect_ppp(&mut self, name: &str) -> bool {
        self.end_sessions("/ppp/active", "name", name)
    }

    /// A hotspot client logs in.
    pub(crate) fn connect_hotspot(
        &mut self,
        user: &str,
        address: IpAddr,
        mac: &str,
    ) -> Result<ItemId, SessionRefused> {
        let local = self
            .table("/ip/hotspot/user")
            .items
            .iter()
            .find(|i| i.props.get("name").is_some_and(|n| n == user))
            .map(|i| i.props.clone());
        if local
            .as_ref()
            .is_some_and(|u| u.get("disabled").is_some_and(|d| d == "true"))
        {
            return Err(SessionRefused(format!("hotspot user {user} is disabled")));
        }
        let n = self.table("/ip/hotspot/active").next_dynamic_id + 1 - DYNAMIC_IDS;
        let mut props = BTreeMap::new();
        for (k, v) in [
            ("server", "hotspot1".to_owned()),
            ("user", user.to_owned()),
            ("domain", String::new()),
            ("address", address.to_string()),
            ("mac-address", mac.to_uppercase()),
            ("login-by", "http-chap".into()),
            ("idle-timeout", "none".into()),
            ("keepalive-timeout", "2m".into()),
            ("radius", local.is_none().to_string()),
        ] {
            props.insert(k.to_owned(), v);
        }
        let id = self.insert_dynamic(
            "/ip/hotspot/active",
            props,
            Some(Traffic::new(1_000_000.0, n as f64)),
        );
        Ok(ItemId::from_number(id))
    }

    pub(crate) fn disconnect_hotspot(&mut self, user: &str) -> bool {
        self.end_sessions("/ip/hotspot/active", "user", user)
    }

    fn end_sessions(&mut self, path: &'static str, key: &str, value: &str) -> bool {
        let ids: Vec<u64> = self
            .table(path)
            .items
            .iter()
            .filter(|i| i.props.get(key).is_some_and(|v| v == value))
            .map(|i| i.id)
            .collect();
        for &id in &ids {
            self.remove_item(path, id);
        }
        !ids.is_empty()
    }
}

/// Why a simulated login was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the simulated router refused the session: {0}")]
pub struct SessionRefused(pub String);

fn defaults(spec: &MenuSpec) -> BTreeMap<String, String> {
    spec.defaults
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// An empty value unsets a property, except that properties every item has stay, empty.
fn set_prop(spec: &MenuSpec, props: &mut BTreeMap<String, String>, name: &str, value: String) {
    if value.is_empty() && !spec.defaults.iter().any(|(k, _)| *k == name) {
        props.remove(name);
    } else {
        props.insert(name.to_owned(), value);
    }
}

/// Applies `.proplist`: only the listed properties, in the listed order.
pub(crate) fn select(row: Words, proplist: Option<&str>) -> Words {
    let Some(list) = proplist else {
        return row;
    };
    list.split(',')
        .filter_map(|name| row.iter().find(|(k, _)| k == name).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reading a client can get in the router's first hours is in range (the free
    /// memory once wrapped below zero about 20 s after boot and panicked the simulator).
    #[test]
    fn resource_readings_stay_in_range_as_time_passes() {
        let router = Router::new(RouterVersion::V7, "MikroTik");
        for second in 0..4 * 3600 {
            let words = router.resource_at(Duration::from_millis(second * 1000 + 500));
            let value = |name: &str| -> u64 {
                words
                    .iter()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or_else(|| panic!("{name} missing or not a number"))
            };
            let (free, total) = (value("free-memory"), value("total-memory"));
            assert!(
                (total / 2 - 8_000_000..=total / 2 + 8_000_000).contains(&free),
                "free memory {free} of {total} at {second} s"
            );
            assert!((5..=45).contains(&value("cpu-load")), "at {second} s");
        }
    }
}
