//! Words with meaning (protocol-facts §1.4): commands and queries going out, replies and their
//! attribute rows coming back.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result, TrapCategory};
use crate::value;

/// A RouterOS internal item ID such as `*1A`. Not stable across reboots for every menu, so
/// callers that persist references should prefer names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(String);

impl ItemId {
    pub fn new(id: impl Into<String>) -> Self {
        ItemId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number behind `*1A`, for IDs of that form.
    pub fn number(&self) -> Option<u64> {
        u64::from_str_radix(self.0.strip_prefix('*')?, 16).ok()
    }

    /// The ID RouterOS writes for number `n`: `*` and upper-case hex.
    pub fn from_number(n: u64) -> Self {
        ItemId(format!("*{n:X}"))
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits an attribute word `=name=value` on its first two `=`; the value may hold more `=`.
/// A word with no second `=` is a name with an empty value.
pub fn parse_attribute(word: &str) -> Option<(&str, &str)> {
    let rest = word.strip_prefix('=')?;
    Some(rest.split_once('=').unwrap_or((rest, "")))
}

/// The attributes of one reply sentence, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row(BTreeMap<String, String>);

impl Row {
    pub fn new() -> Self {
        Row::default()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `.id`.
    pub fn id(&self) -> Option<ItemId> {
        self.get(".id").map(ItemId::new)
    }

    /// Whether `listen` reported the item as removed (`.dead=yes`).
    pub fn is_dead(&self) -> bool {
        self.bool(".dead").unwrap_or(false)
    }

    /// A non-empty text value.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(value::parse_bool)
    }

    pub fn u64(&self, name: &str) -> Option<u64> {
        self.get(name).and_then(|v| v.parse().ok())
    }

    pub fn u32(&self, name: &str) -> Option<u32> {
        self.get(name).and_then(|v| v.parse().ok())
    }

    pub fn duration(&self, name: &str) -> Option<Duration> {
        self.get(name).and_then(value::parse_duration)
    }

    /// A rate in bits or packets per second: a plain integer or one with a k/M/G suffix.
    pub fn rate(&self, name: &str) -> Option<u64> {
        self.get(name).and_then(value::parse_rate)
    }

    /// A value parsed with `FromStr`, such as an IP address.
    pub fn parsed<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.get(name).and_then(|v| v.parse().ok())
    }

    /// The `.id`, which every item of a menu carries; its absence means the reply is not a row
    /// of that menu.
    pub fn required_id(&self) -> Result<ItemId> {
        self.id()
            .ok_or_else(|| Error::protocol("an item came without its .id"))
    }

    /// A property every item of the menu has.
    pub fn required_text(&self, name: &str) -> Result<String> {
        self.get(name)
            .map(str::to_owned)
            .ok_or_else(|| Error::protocol(format!("an item came without its {name}")))
    }
}

impl FromIterator<(String, String)> for Row {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Row(iter.into_iter().collect())
    }
}

/// The reply word that opens a reply sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyKind {
    Re,
    Done,
    Trap,
    Fatal,
    /// RouterOS 7.18+: the command has nothing to return; `!done` follows.
    Empty,
    /// A reply word newer than this client: ignored, never fatal.
    Unknown(String),
}

/// One reply sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub kind: ReplyKind,
    pub attributes: Row,
    pub tag: Option<String>,
    /// Words that are neither attributes nor API attributes: the reason of a `!fatal`.
    pub other_words: Vec<String>,
}

impl Reply {
    /// Parses a sentence the router sent. Words that are not UTF-8 (RouterOS 6 sends comments in
    /// the router's code page) are decoded lossily rather than refused.
    pub fn parse(words: &[Vec<u8>]) -> Result<Reply> {
        let mut words = words.iter().map(|w| String::from_utf8_lossy(w));
        let first = words
            .next()
            .ok_or_else(|| Error::protocol("an empty reply sentence"))?;
        let kind = match first.as_ref() {
            "!re" => ReplyKind::Re,
            "!done" => ReplyKind::Done,
            "!trap" => ReplyKind::Trap,
            "!fatal" => ReplyKind::Fatal,
            "!empty" => ReplyKind::Empty,
            other if other.starts_with('!') => ReplyKind::Unknown(other.to_owned()),
            other => {
                return Err(Error::protocol(format!(
                    "a reply must start with a reply word, not {other:?}"
                )));
            }
        };
        let mut reply = Reply {
            kind,
            attributes: Row::new(),
            tag: None,
            other_words: Vec::new(),
        };
        for word in words {
            if let Some((name, value)) = parse_attribute(&word) {
                reply.attributes.insert(name, value);
            } else if let Some(tag) = word.strip_prefix(".tag=") {
                reply.tag = Some(tag.to_owned());
            } else {
                reply.other_words.push(word.into_owned());
            }
        }
        Ok(reply)
    }

    /// The trap category, if the router sent one.
    pub fn trap_category(&self) -> Option<TrapCategory> {
        self.attributes.u32("category").map(TrapCategory::from_code)
    }

    /// The trap message, or a placeholder when the router sent none.
    pub fn trap_message(&self) -> String {
        self.attributes
            .text("message")
            .unwrap_or_else(|| "(no message)".to_owned())
    }

    /// Why a `!fatal` closed the session: its bare word, or a `=message=` if a router sends
    /// that instead.
    pub fn fatal_reason(&self) -> String {
        self.other_words
            .first()
            .cloned()
            .or_else(|| self.attributes.text("message"))
            .unwrap_or_else(|| "(no reason given)".to_owned())
    }
}

/// A command sentence: the command word, then attribute and query words. The client adds the
/// `.tag`, so a command never carries one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    words: Vec<String>,
}

impl Command {
    /// `path` is the menu path and verb with `/` separators: `/ppp/secret/print`.
    pub fn new(path: impl Into<String>) -> Self {
        Command {
            words: vec![path.into()],
        }
    }

    /// `=name=value`.
    pub fn attr(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.words.push(format!("={name}={value}"));
        self
    }

    /// A flag attribute with no value, such as `=once=`.
    pub fn flag(self, name: &str) -> Self {
        self.attr(name, "")
    }

    /// `=.proplist=`: only these properties come back.
    pub fn proplist(self, names: &[&str]) -> Self {
        self.attr(".proplist", names.join(","))
    }

    /// Appends query words; only `print` takes them.
    pub fn query(mut self, query: Query) -> Self {
        self.words.extend(query.words);
        self
    }

    pub fn path(&self) -> &str {
        &self.words[0]
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }
}

/// Query words for `print` (protocol-facts §1.4). Every constructor leaves exactly one value on
/// the router's query stack, so the combinators compose: `a.or(b)` is `a b ?#|`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
}

impl Query {
    /// `?=name=value`: the property equals `value`.
    pub fn eq(name: &str, value: impl fmt::Display) -> Self {
        Query::word(format!("?={name}={value}"))
    }

    /// `?name`: the item has a value for the property.
    pub fn has(name: &str) -> Self {
        Query::word(format!("?{name}"))
    }

    /// `?-name`: the item has no value for the property.
    pub fn lacks(name: &str) -> Self {
        Query::word(format!("?-{name}"))
    }

    /// `?<name=value`.
    pub fn lt(name: &str, value: impl fmt::Display) -> Self {
        Query::word(format!("?<{name}={value}"))
    }

    /// `?>name=value`.
    pub fn gt(name: &str, value: impl fmt::Display) -> Self {
        Query::word(format!("?>{name}={value}"))
    }

    /// `?=name=a ?=name=b … ?#| …`: the property is one of `values`. An empty list matches
    /// nothing.
    pub fn any_of<V: fmt::Display>(name: &str, values: &[V]) -> Self {
        let mut values = values.iter();
        let Some(first) = values.next() else {
            return Query::has(name).and(Query::lacks(name));
        };
        values.fold(Query::eq(name, first), |q, v| q.or(Query::eq(name, v)))
    }

    pub fn and(self, other: Query) -> Self {
        self.combine(other, "?#&")
    }

    pub fn or(self, other: Query) -> Self {
        self.combine(other, "?#|")
    }

    #[expect(
        clippy::should_implement_trait,
        reason = "reads like the query it builds"
    )]
    pub fn not(mut self) -> Self {
        self.words.push("?#!".to_owned());
        self
    }

    /// Raw query words, for stack programs the combinators cannot express.
    pub fn raw<I: IntoIterator<Item = S>, S: Into<String>>(words: I) -> Self {
        Query {
            words: words.into_iter().map(Into::into).collect(),
        }
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    fn word(word: String) -> Self {
        Query { words: vec![word] }
    }

    fn combine(mut self, other: Query, op: &str) -> Self {
        self.words.extend(other.words);
        self.words.push(op.to_owned());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Vec<Vec<u8>> {
        ws.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn attribute_splits_on_the_first_two_equals_only() {
        assert_eq!(parse_attribute("=comment=a=b"), Some(("comment", "a=b")));
        assert_eq!(parse_attribute("=comment="), Some(("comment", "")));
        assert_eq!(parse_attribute("=once"), Some(("once", "")));
        assert_eq!(parse_attribute(".tag=1"), None);
    }

    #[test]
    fn reply_separates_attributes_tag_and_bare_words() {
        let reply = Reply::parse(&words(&["!re", "=name=x=y", ".tag=7", "=.id=*1"])).unwrap();
        assert_eq!(reply.kind, ReplyKind::Re);
        assert_eq!(reply.tag.as_deref(), Some("7"));
        assert_eq!(reply.attributes.get("name"), Some("x=y"));
        assert_eq!(reply.attributes.id(), Some(ItemId::new("*1")));

        let fatal = Reply::parse(&words(&["!fatal", "session terminated on request"])).unwrap();
        assert_eq!(fatal.fatal_reason(), "session terminated on request");
    }

    #[test]
    fn unknown_reply_words_parse_and_non_reply_words_do_not() {
        let reply = Reply::parse(&words(&["!future", "=a=b"])).unwrap();
        assert_eq!(reply.kind, ReplyKind::Unknown("!future".into()));
        assert!(Reply::parse(&words(&["=a=b"])).is_err());
        assert!(Reply::parse(&[]).is_err());
    }

    #[test]
    fn non_utf8_words_are_decoded_lossily() {
        let reply = Reply::parse(&[b"!re".to_vec(), b"=comment=caf\xe9".to_vec()]).unwrap();
        assert_eq!(reply.attributes.get("comment"), Some("caf\u{fffd}"));
    }

    #[test]
    fn queries_compose_like_librouteros_compiles_them() {
        let q = Query::eq("type", "ether").or(Query::eq("type", "vlan"));
        assert_eq!(q.words(), ["?=type=ether", "?=type=vlan", "?#|"]);
        let q = Query::any_of("name", &["a", "b", "c"]);
        assert_eq!(
            q.words(),
            ["?=name=a", "?=name=b", "?#|", "?=name=c", "?#|"]
        );
        assert_eq!(Query::eq("name", "X").not().words(), ["?=name=X", "?#!"]);
    }

    #[test]
    fn item_ids_are_star_upper_hex() {
        assert_eq!(ItemId::from_number(26).as_str(), "*1A");
        assert_eq!(ItemId::new("*1A").number(), Some(26));
        assert_eq!(ItemId::new("ether1").number(), None);
    }
}
