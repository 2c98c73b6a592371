//! Just enough of FreeRADIUS's configuration syntax to find sections by their braces and
//! edit them in place, leaving every other byte of Debian's files as it was.
//!
//! A section is `words {` … `}`; `#` starts a comment outside quotes; `"…"`, `'…'` and
//! `` `…` `` may hold braces (`%{User-Name}`) and backslash escapes. FreeRADIUS puts a
//! section header on one line, so a header is the text between the previous line break
//! or brace and the `{`.

use std::ops::Range;

/// One `name {` … `}` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// The words before `{`, single-spaced: `server default`, `listen`, `Post-Auth-Type REJECT`.
    pub name: String,
    /// Offset of the header's first character.
    pub start: usize,
    /// Offset of `{`.
    pub open: usize,
    /// Offset of the matching `}`.
    pub close: usize,
    pub children: Vec<Section>,
}

impl Section {
    pub fn child(&self, name: &str) -> Option<&Section> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The lines directly inside this section (not inside a child), as (range of the whole
    /// line without its newline, the line's content with any comment removed, trimmed).
    pub fn own_lines<'t>(&self, text: &'t str) -> Vec<(Range<usize>, &'t str)> {
        let body_start = (line_end(text, self.open) + 1).min(self.close);
        lines_outside(text, body_start..self.close, &self.children)
    }

    /// The range to delete to remove this section, its indentation and its line break.
    pub fn removal_range(&self, text: &str) -> Range<usize> {
        let from = line_start(text, self.start);
        let from = if text[from..self.start].trim().is_empty() {
            from
        } else {
            self.start
        };
        let after = self.close + 1;
        let rest_end = line_end(text, after);
        let to = if text[after..rest_end].trim().is_empty() {
            (rest_end + 1).min(text.len())
        } else {
            after
        };
        from..to
    }

    /// Where text inserted at the top of the body goes: after the header's line.
    pub fn body_top(&self, text: &str) -> usize {
        (line_end(text, self.open) + 1).min(self.close)
    }

    /// Where text appended to the body goes: the start of the closing brace's line when
    /// the brace stands alone on it, else the brace itself.
    pub fn body_end(&self, text: &str) -> usize {
        let start = line_start(text, self.close);
        if start > self.open && text[start..self.close].trim().is_empty() {
            start
        } else {
            self.close
        }
    }

    /// Whether a module is called directly in this section, as `name` or `-name`.
    pub fn calls_module(&self, text: &str, module: &str) -> bool {
        self.own_lines(text)
            .iter()
            .any(|(_, content)| content.strip_prefix('-').unwrap_or(content) == module)
    }
}

/// The lines of `range` that are not part of one of `children`, each with its comment
/// removed and trimmed.
fn lines_outside<'t>(
    text: &'t str,
    range: Range<usize>,
    children: &[Section],
) -> Vec<(Range<usize>, &'t str)> {
    let mut lines = Vec::new();
    let mut pos = range.start;
    while pos < range.end {
        let end = line_end(text, pos).min(range.end);
        let inside_child = children
            .iter()
            .any(|c| ranges_overlap(pos..end, line_start(text, c.start)..c.close + 1));
        if !inside_child {
            lines.push((pos..end, strip_comment(&text[pos..end]).trim()));
        }
        pos = end + 1;
    }
    lines
}

fn ranges_overlap(a: Range<usize>, b: Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i)
}

/// A line without its `#` comment (quotes respected).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' => return &line[..i],
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => {}
        }
    }
    line
}

/// The top-level sections of a configuration file.
pub(crate) fn parse(text: &str) -> Result<Vec<Section>, String> {
    let bytes = text.as_bytes();
    let mut top = Vec::new();
    let mut open: Vec<Section> = Vec::new();
    let mut header_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                i = line_end(text, i);
                continue;
            }
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= bytes.len() {
                    return Err(format!(
                        "unterminated quote on line {}",
                        line_number(text, i)
                    ));
                }
            }
            // `${confdir}`, `$ENV{X}` and `%{User-Name}` may stand unquoted in a value.
            b'$' | b'%' if text[i + 1..].starts_with('{') || text[i..].starts_with("$ENV{") => {
                let open = i + text[i..].find('{').unwrap_or(0);
                let mut depth = 0usize;
                i = open;
                while i < bytes.len() {
                    match bytes[i] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        b'\n' => {
                            return Err(format!(
                                "unterminated expansion on line {}",
                                line_number(text, i)
                            ));
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'\n' => header_from = i + 1,
            b'{' => {
                let header = &text[header_from..i];
                let lead = header.len() - header.trim_start().len();
                open.push(Section {
                    name: header.split_whitespace().collect::<Vec<_>>().join(" "),
                    start: header_from + lead,
                    open: i,
                    close: i,
                    children: Vec::new(),
                });
                header_from = i + 1;
            }
            b'}' => {
                let mut section = open
                    .pop()
                    .ok_or_else(|| format!("unmatched '}}' on line {}", line_number(text, i)))?;
                section.close = i;
                match open.last_mut() {
                    Some(parent) => parent.children.push(section),
                    None => top.push(section),
                }
                header_from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    match open.last() {
        Some(s) => Err(format!(
            "section '{}' opened on line {} is never closed",
            s.name,
            line_number(text, s.open)
        )),
        None => Ok(top),
    }
}

fn line_number(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].matches('\n').count() + 1
}

/// Text edits by byte range, applied together so earlier offsets stay valid.
#[derive(Default)]
pub(crate) struct Edits(Vec<(Range<usize>, String)>);

impl Edits {
    pub fn replace(&mut self, range: Range<usize>, with: impl Into<String>) {
        self.0.push((range, with.into()));
    }

    pub fn insert(&mut self, at: usize, text: impl Into<String>) {
        self.replace(at..at, text);
    }

    pub fn apply(mut self, text: &str) -> Result<String, String> {
        // Stable sort: two insertions at one offset keep the order they were made in.
        self.0.sort_by_key(|(r, _)| (r.start, r.end));
        for pair in self.0.windows(2) {
            if pair[0].0.end > pair[1].0.start {
                return Err(format!(
                    "overlapping edits at {:?} and {:?}",
                    pair[0].0, pair[1].0
                ));
            }
        }
        let mut out = String::with_capacity(text.len() + 1024);
        let mut pos = 0;
        for (range, with) in &self.0 {
            out.push_str(&text[pos..range.start]);
            out.push_str(with);
            pos = range.end;
        }
        out.push_str(&text[pos..]);
        Ok(out)
    }
}

/// Quotes a value for a configuration file. FreeRADIUS expands `${…}` and `$ENV{…}` even
/// inside quotes, so a `$` is refused rather than escaped.
pub(crate) fn quote(value: &str) -> Result<String, String> {
    if value.contains(['$', '\n', '\r']) {
        return Err(format!(
            "cannot put {value:?} in a FreeRADIUS configuration"
        ));
    }
    Ok(format!(
        "\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// The listeners, Simultaneous-Use, mandatory `sql` and the Message-Authenticator
/// workaround, applied to `sites-available/default` (Debian's or a template's).
pub(crate) fn edit_default_site(
    text: &str,
    auth_port: u16,
    acct_port: u16,
) -> Result<String, String> {
    let top = parse(text)?;
    let mut servers = top.iter().filter(|s| s.name == "server default");
    let server = servers
        .next()
        .ok_or("there is no 'server default' section")?;
    if servers.next().is_some() {
        return Err("there are two 'server default' sections".into());
    }
    let mut edits = Edits::default();

    let listens: Vec<_> = server
        .children
        .iter()
        .filter(|c| c.name == "listen")
        .collect();
    if listens.is_empty() {
        return Err("'server default' has no 'listen' section to replace".into());
    }
    for listen in listens {
        edits.replace(listen.removal_range(text), "");
    }
    edits.insert(
        server.body_top(text),
        format!(
            "# Listeners of this test instance (the harness replaced the stock ones).\n\
             listen {{\n\ttype = auth\n\tipaddr = 127.0.0.1\n\tport = {auth_port}\n}}\n\
             listen {{\n\ttype = acct\n\tipaddr = 127.0.0.1\n\tport = {acct_port}\n}}\n"
        ),
    );

    // `-sql` means "skip when the module is missing"; a test wants a missing or broken
    // sql module to stop the server at start-up instead of rejecting everyone.
    for name in ["authorize", "accounting", "post-auth"] {
        let section = server
            .child(name)
            .ok_or_else(|| format!("'server default' has no '{name}' section"))?;
        require_sql(text, section, &mut edits);
    }
    let post_auth = server.child("post-auth").ok_or("no 'post-auth' section")?;
    if let Some(reject) = post_auth.child("Post-Auth-Type REJECT") {
        require_sql(text, reject, &mut edits);
    }

    match server.child("session") {
        Some(session) if session.calls_module(text, "sql") => {}
        Some(session) => edits.insert(session.body_end(text), "\tsql\n"),
        None => edits.insert(server.body_end(text), "session {\n\tsql\n}\n"),
    }

    // BlastRADIUS: 3.2.1 does not sign replies unless asked to (protocol-facts §3.4).
    let sign = |indent: &str| {
        [
            "# Sign every reply, as RouterOS's require-message-auth wants.",
            "update reply {",
            "\t&Message-Authenticator := 0x00",
            "}",
        ]
        .iter()
        .map(|line| format!("{indent}{line}\n"))
        .collect::<String>()
    };
    edits.insert(post_auth.body_top(text), sign("\t"));
    if let Some(reject) = post_auth.child("Post-Auth-Type REJECT") {
        edits.insert(reject.body_top(text), sign("\t\t"));
    }
    edits.apply(text)
}

fn require_sql(text: &str, section: &Section, edits: &mut Edits) {
    let mut found = false;
    for (range, content) in section.own_lines(text) {
        if content == "sql" {
            found = true;
        } else if content == "-sql" {
            found = true;
            let line = &text[range.clone()];
            let dash = range.start + line.find("-sql").unwrap_or(0);
            edits.replace(dash..dash + 1, "");
        }
    }
    if !found {
        edits.insert(section.body_end(text), "\tsql\n");
    }
}

/// Points `radiusd.conf` at the temporary directory, keeps the server running as the user
/// who started it, and answers rejects at once.
pub(crate) fn edit_radiusd_conf(
    text: &str,
    raddbdir: &str,
    logdir: &str,
    run_dir: &str,
) -> Result<String, String> {
    let top = parse(text)?;
    let mut edits = Edits::default();
    let top_level_lines = lines_outside(text, 0..text.len(), &top);
    for (key, value) in [
        ("raddbdir", raddbdir),
        ("logdir", logdir),
        ("run_dir", run_dir),
    ] {
        let (line, _) = top_level_lines
            .iter()
            .find(|(_, content)| key_of(content) == Some(key))
            .ok_or_else(|| format!("no top-level '{key}' setting"))?;
        edits.replace(line.clone(), format!("{key} = {}", quote(value)?));
    }
    let security = top
        .iter()
        .find(|s| s.name == "security")
        .ok_or("no 'security' section")?;
    let mut reject_delay = false;
    for (range, content) in security.own_lines(text) {
        match key_of(content) {
            // Dropping privileges to freerad would leave it unable to write our temp dir.
            Some("user" | "group") => edits.insert(range.start, "#"),
            // A reject otherwise waits a second: slow tests, and longer than a router's
            // default 300 ms RADIUS timeout.
            Some("reject_delay") => {
                reject_delay = true;
                edits.replace(range, "\treject_delay = 0");
            }
            _ => {}
        }
    }
    if !reject_delay {
        edits.insert(security.body_end(text), "\treject_delay = 0\n");
    }
    edits.apply(text)
}

/// `key` of a `key = value` line.
fn key_of(content: &str) -> Option<&str> {
    let key = content.split(['=', ' ', '\t']).next()?;
    (!key.is_empty() && content[key.len()..].trim_start().starts_with('=')).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = r#"# comment with { a brace
server default {
listen {
	type = auth
	ipaddr = *
	port = 0
	limit {
	      max_connections = 16
	}
}
listen {
	ipaddr = *	# a comment }
	port = ${listen.port}
	type = acct
}
authorize {
	update request {
		&Tmp-String-0 := "%{User-Name}}"
		&Tmp-String-1 := %{tolower:%{User-Name}}
	}
	-sql
}
accounting {
	detail
	-sql	# log it
}
session {
#	sql
}
post-auth {
	-sql
	Post-Auth-Type REJECT {
		-sql
		attr_filter.access_reject
	}
}
}
"#;

    #[test]
    fn parse_finds_nested_sections_and_ignores_braces_in_comments_and_quotes() {
        let top = parse(SITE).unwrap();
        assert_eq!(top.len(), 1);
        let server = &top[0];
        assert_eq!(server.name, "server default");
        let names: Vec<_> = server.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "listen",
                "listen",
                "authorize",
                "accounting",
                "session",
                "post-auth"
            ]
        );
        assert_eq!(server.children[0].children[0].name, "limit");
        assert_eq!(
            server.child("post-auth").unwrap().children[0].name,
            "Post-Auth-Type REJECT"
        );
    }

    #[test]
    fn parse_reports_unbalanced_braces() {
        assert!(
            parse("a {\n b {\n}\n")
                .unwrap_err()
                .contains("never closed")
        );
        assert!(parse("a {\n}\n}\n").unwrap_err().contains("unmatched"));
    }

    #[test]
    fn default_site_gets_our_listeners_sql_and_message_authenticator() {
        let out = edit_default_site(SITE, 21812, 21813).unwrap();
        let top = parse(&out).unwrap();
        let server = &top[0];
        let listens: Vec<_> = server
            .children
            .iter()
            .filter(|c| c.name == "listen")
            .collect();
        assert_eq!(listens.len(), 2);
        assert!(!out.contains("ipaddr = *"));
        assert!(!out.contains("max_connections"));
        assert!(out.contains("ipaddr = 127.0.0.1\n\tport = 21812"));
        assert!(out.contains("type = acct\n\tipaddr = 127.0.0.1\n\tport = 21813"));
        assert!(!out.contains("-sql"));
        for name in ["authorize", "accounting", "session", "post-auth"] {
            assert!(
                server.child(name).unwrap().calls_module(&out, "sql"),
                "{name}"
            );
        }
        let post_auth = server.child("post-auth").unwrap();
        assert_eq!(post_auth.children[0].name, "update reply");
        let reject = post_auth.child("Post-Auth-Type REJECT").unwrap();
        assert_eq!(reject.children[0].name, "update reply");
        assert!(reject.calls_module(&out, "sql"));
        // The quoted brace survived untouched.
        assert!(out.contains(r#""%{User-Name}}""#));
    }

    #[test]
    fn default_site_without_listeners_is_refused() {
        let err = edit_default_site("server default {\nauthorize {\n}\n}\n", 1, 2).unwrap_err();
        assert!(err.contains("listen"), "{err}");
        let err = edit_default_site("server other {\n}\n", 1, 2).unwrap_err();
        assert!(err.contains("server default"), "{err}");
    }

    #[test]
    fn radiusd_conf_edits() {
        let conf = "prefix = /usr\nraddbdir = /etc/freeradius/3.0\nlogdir = /var/log/freeradius\n\
                    run_dir = ${localstatedir}/run/${name}\nlog {\n\tlogdir = nope\n}\n\
                    security {\n\tuser = freerad\n\tgroup = freerad\n\treject_delay = 1\n}\n";
        let out = edit_radiusd_conf(conf, "/tmp/x/raddb", "/tmp/x/log", "/tmp/x/run").unwrap();
        assert!(out.contains("raddbdir = \"/tmp/x/raddb\"\n"));
        assert!(out.contains("logdir = \"/tmp/x/log\"\n"));
        assert!(out.contains("run_dir = \"/tmp/x/run\"\n"));
        assert!(out.contains("\tlogdir = nope\n"), "nested settings stay");
        assert!(out.contains("#\tuser = freerad\n#\tgroup = freerad\n\treject_delay = 0\n"));
    }

    #[test]
    fn quote_escapes_and_refuses_expansions() {
        assert_eq!(quote(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert!(quote("/tmp/$ENV{X}").is_err());
    }
}
