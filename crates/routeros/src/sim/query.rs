//! Evaluating `print` query words the way RouterOS does (protocol-facts §1.4): a stack of
//! booleans that starts as infinitely many `true`, where an item matches when no `false` is
//! left at the end.

use std::cmp::Ordering;

use crate::value::parse_bool;

/// A query word the simulator cannot evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadQuery(pub String);

/// The stack, where popping past the bottom yields the implicit `true`s.
struct Stack(Vec<bool>);

impl Stack {
    fn pop(&mut self) -> bool {
        self.0.pop().unwrap_or(true)
    }

    fn top(&self) -> bool {
        self.0.last().copied().unwrap_or(true)
    }

    fn at(&self, index_from_top: usize) -> bool {
        self.0
            .len()
            .checked_sub(index_from_top + 1)
            .is_none_or(|i| self.0[i])
    }
}

/// Whether an item (looked up with `get`) passes every query word.
pub(crate) fn matches<'a>(
    queries: &[String],
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<bool, BadQuery> {
    let mut stack = Stack(Vec::new());
    for word in queries {
        let body = word
            .strip_prefix('?')
            .ok_or_else(|| BadQuery(word.clone()))?;
        if let Some(ops) = body.strip_prefix('#') {
            apply_ops(ops, &mut stack).map_err(|_| BadQuery(word.clone()))?;
        } else if let Some(name) = body.strip_prefix('-') {
            stack.0.push(get(name).is_none());
        } else if let Some(rest) = body.strip_prefix('<') {
            let (name, value) = rest.split_once('=').ok_or_else(|| BadQuery(word.clone()))?;
            stack
                .0
                .push(get(name).is_some_and(|v| compare(v, value) == Ordering::Less));
        } else if let Some(rest) = body.strip_prefix('>') {
            let (name, value) = rest.split_once('=').ok_or_else(|| BadQuery(word.clone()))?;
            stack
                .0
                .push(get(name).is_some_and(|v| compare(v, value) == Ordering::Greater));
        } else if let Some(rest) = body.strip_prefix('=') {
            let (name, value) = rest.split_once('=').unwrap_or((rest, ""));
            stack.0.push(equals(get(name), value));
        } else if let Some((name, value)) = body.split_once('=') {
            stack.0.push(equals(get(name), value));
        } else {
            stack.0.push(get(body).is_some());
        }
    }
    Ok(stack.0.iter().all(|b| *b))
}

fn apply_ops(ops: &str, stack: &mut Stack) -> Result<(), ()> {
    let ops = ops.as_bytes();
    let mut i = 0;
    while i < ops.len() {
        let c = ops[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < ops.len() && ops[i].is_ascii_digit() {
                i += 1;
            }
            let index: usize = std::str::from_utf8(&ops[start..i])
                .map_err(|_| ())?
                .parse()
                .map_err(|_| ())?;
            let value = stack.at(index);
            if i == ops.len() {
                stack.0 = vec![value];
            } else {
                stack.0.push(value);
                // A `.` right after an index only separates it from what follows.
                if ops[i] == b'.' {
                    i += 1;
                }
            }
            continue;
        }
        match c {
            b'!' => {
                let v = stack.pop();
                stack.0.push(!v);
            }
            b'&' => {
                let (a, b) = (stack.pop(), stack.pop());
                stack.0.push(a && b);
            }
            b'|' => {
                let (a, b) = (stack.pop(), stack.pop());
                stack.0.push(a || b);
            }
            b'.' => {
                let v = stack.top();
                stack.0.push(v);
            }
            _ => return Err(()),
        }
        i += 1;
    }
    Ok(())
}

/// Equality as RouterOS sees values: `yes` equals `true`.
fn equals(actual: Option<&str>, wanted: &str) -> bool {
    let actual = actual.unwrap_or("");
    if actual == wanted {
        return true;
    }
    matches!((parse_bool(actual), parse_bool(wanted)), (Some(a), Some(b)) if a == b)
}

/// Numbers compare as numbers, `*1A` IDs by their number, everything else as text.
fn compare(actual: &str, wanted: &str) -> Ordering {
    fn number(s: &str) -> Option<i128> {
        if let Some(hex) = s.strip_prefix('*') {
            return i128::from_str_radix(hex, 16).ok();
        }
        s.parse().ok()
    }
    match (number(actual), number(wanted)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => actual.cmp(wanted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn item<'a>(props: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |name| props.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    const ETHER: &[(&str, &str)] = &[
        (".id", "*2"),
        ("name", "ether1"),
        ("type", "ether"),
        ("mtu", "1500"),
        ("disabled", "false"),
    ];

    #[rstest]
    #[case(&[], true)]
    #[case(&["?name"], true)]
    #[case(&["?comment"], false)]
    #[case(&["?-comment"], true)]
    #[case(&["?-name"], false)]
    #[case(&["?name=ether1"], true)]
    #[case(&["?=name=ether1"], true)]
    #[case(&["?=name=ether2"], false)]
    #[case(&["?disabled=no"], true)]
    #[case(&["?<mtu=1600"], true)]
    #[case(&["?<mtu=900"], false)]
    #[case(&["?>mtu=900"], true)]
    #[case(&["?>.id=*1"], true)]
    #[case(&["?<.id=*1"], false)]
    #[case(&["?<comment=z"], false)]
    #[case(&["?type=vlan", "?type=ether", "?#|"], true)]
    #[case(&["?type=vlan", "?type=bridge", "?#|"], false)]
    #[case(&["?=name=ether1", "?#!"], false)]
    #[case(&["?=name=ether2", "?#!"], true)]
    #[case(&["?name", "?type=vlan", "?#&"], false)]
    #[case(&["?type=vlan", "?name", "?#&"], false)]
    // Index at the end of the word replaces the stack: only the copied value counts.
    #[case(&["?type=vlan", "?name", "?#0"], true)]
    #[case(&["?type=vlan", "?name", "?#1"], false)]
    // Index followed by more ops pushes a copy; `.` after it is a separator.
    #[case(&["?name", "?type=vlan", "?#1.|", "?#0"], true)]
    #[case(&["?name", "?type=vlan", "?#1.&", "?#0"], false)]
    #[case(&["?type=vlan", "?name", "?#1.|"], false)]
    // `.` after an operator duplicates the top.
    #[case(&["?type=vlan", "?#!.&"], true)]
    // Popping below the bottom finds the implicit trues.
    #[case(&["?#&&&"], true)]
    #[case(&["?#!"], false)]
    fn query_stack(#[case] queries: &[&str], #[case] expected: bool) {
        let queries: Vec<String> = queries.iter().map(|q| q.to_string()).collect();
        assert_eq!(matches(&queries, item(ETHER)), Ok(expected));
    }

    #[test]
    fn unknown_operations_are_refused() {
        assert!(matches(&["?#x".to_string()], item(ETHER)).is_err());
        assert!(matches(&["?<mtu".to_string()], item(ETHER)).is_err());
    }
}
