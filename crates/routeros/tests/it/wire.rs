//! The simulator's answers word by word, read with the bare codec: what a third-party client
//! would see. Also the client facing replies the simulator never sends.

use std::time::Duration;

use rstest::rstest;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use routeros_api::codec::{encode_sentence, read_sentence};
use routeros_api::sim::{RouterVersion, Simulator};
use routeros_api::{Client, Command, ConnectOptions, challenge_response};

use crate::{PASSWORD, USER, start_sim};

pub struct Raw(BufReader<TcpStream>);

impl Raw {
    pub async fn open(sim: &Simulator) -> Raw {
        Raw(BufReader::new(
            TcpStream::connect(sim.address()).await.unwrap(),
        ))
    }

    /// Opens and logs in the way the router's generation expects.
    pub async fn logged_in(sim: &Simulator, version: RouterVersion) -> Raw {
        let mut raw = Raw::open(sim).await;
        let name = format!("=name={USER}");
        match version {
            RouterVersion::V7 => {
                raw.send(&["/login", &name, &format!("=password={PASSWORD}")])
                    .await;
                assert_eq!(raw.read().await, ["!done"]);
            }
            RouterVersion::V6 => {
                raw.send(&["/login"]).await;
                let reply = raw.read().await;
                assert_eq!(reply[0], "!done");
                let challenge = reply[1].strip_prefix("=ret=").unwrap();
                assert_eq!(challenge.len(), 32);
                let response = challenge_response(challenge, PASSWORD).unwrap();
                raw.send(&["/login", &name, &format!("=response={response}")])
                    .await;
                assert_eq!(raw.read().await, ["!done"]);
            }
        }
        raw
    }

    pub async fn send(&mut self, words: &[&str]) {
        self.0
            .get_mut()
            .write_all(&encode_sentence(words))
            .await
            .unwrap();
    }

    pub async fn read(&mut self) -> Vec<String> {
        let words = tokio::time::timeout(Duration::from_secs(5), read_sentence(&mut self.0))
            .await
            .expect("a reply within 5 s")
            .expect("a readable reply");
        words
            .into_iter()
            .map(|w| String::from_utf8(w).unwrap())
            .collect()
    }

    /// Reads sentences up to and including the first `!done`.
    pub async fn until_done(&mut self) -> Vec<Vec<String>> {
        let mut sentences = Vec::new();
        loop {
            let sentence = self.read().await;
            let done = sentence[0] == "!done";
            sentences.push(sentence);
            if done {
                return sentences;
            }
        }
    }
}

fn reply_words(sentences: &[Vec<String>]) -> Vec<&str> {
    sentences.iter().map(|s| s[0].as_str()).collect()
}

#[rstest]
#[case(RouterVersion::V6, &["!done"])]
#[case(RouterVersion::V7, &["!empty", "!done"])]
#[tokio::test]
async fn empty_print_announces_empty_only_on_v7(
    #[case] version: RouterVersion,
    #[case] expected: &[&str],
) {
    let sim = start_sim(version).await;
    let mut raw = Raw::logged_in(&sim, version).await;
    raw.send(&["/ppp/secret/print"]).await;
    assert_eq!(reply_words(&raw.until_done().await), expected);
    // A query that matches nothing is empty too.
    raw.send(&["/interface/print", "?name=wlan9"]).await;
    assert_eq!(reply_words(&raw.until_done().await), expected);
    raw.send(&["/interface/print", "?name=ether1", "=.proplist=name,type"])
        .await;
    let rows = raw.until_done().await;
    assert_eq!(
        rows,
        [vec!["!re", "=name=ether1", "=type=ether"], vec!["!done"]]
    );
}

#[tokio::test]
async fn every_reply_carries_the_commands_tag() {
    let sim = start_sim(RouterVersion::V7).await;
    let mut raw = Raw::logged_in(&sim, RouterVersion::V7).await;
    raw.send(&["/interface/print", ".tag=abc"]).await;
    let sentences = raw.until_done().await;
    assert_eq!(sentences.len(), 6);
    assert!(sentences.iter().all(|s| s.last().unwrap() == ".tag=abc"));
    raw.send(&["/nope/print", ".tag=x"]).await;
    assert_eq!(
        raw.until_done().await,
        [
            vec![
                "!trap",
                "=category=0",
                "=message=no such command prefix",
                ".tag=x"
            ],
            vec!["!done", ".tag=x"]
        ]
    );
    raw.send(&["/ppp/secret/frobnicate"]).await;
    assert_eq!(
        raw.read().await,
        ["!trap", "=category=0", "=message=no such command"]
    );
}

#[tokio::test]
async fn add_returns_the_new_id_in_done() {
    let sim = start_sim(RouterVersion::V7).await;
    let mut raw = Raw::logged_in(&sim, RouterVersion::V7).await;
    for expected in ["*1", "*2"] {
        raw.send(&["/ip/pool/add", "=ranges=10.0.0.2-10.0.0.9"])
            .await;
        assert_eq!(
            raw.until_done().await,
            [vec!["!done".to_owned(), format!("=ret={expected}")]]
        );
    }
    // Names were made up like a router's.
    raw.send(&["/ip/pool/print", "=.proplist=.id,name"]).await;
    let rows = raw.until_done().await;
    assert_eq!(rows[0], ["!re", "=.id=*1", "=name=pool1"]);
    assert_eq!(rows[1], ["!re", "=.id=*2", "=name=pool2"]);
    raw.send(&["/ip/pool/print", "=count-only="]).await;
    assert_eq!(raw.until_done().await, [vec!["!done", "=ret=2"]]);
}

#[tokio::test]
async fn commands_before_login_are_refused() {
    let sim = start_sim(RouterVersion::V7).await;
    let mut raw = Raw::open(&sim).await;
    raw.send(&["/interface/print"]).await;
    assert_eq!(
        raw.until_done().await[0],
        ["!trap", "=message=not logged in"]
    );
}

/// The official "/cancel, simultaneous commands" flow, word for word.
#[tokio::test]
async fn cancel_follows_the_documented_flow() {
    let sim = start_sim(RouterVersion::V7).await;
    let mut raw = Raw::logged_in(&sim, RouterVersion::V7).await;
    raw.send(&["/interface/listen", ".tag=2"]).await;
    raw.send(&["/interface/set", "=disabled=yes", "=.id=ether1", ".tag=3"])
        .await;
    let mut got = [raw.read().await, raw.read().await];
    got.sort();
    assert_eq!(got[0], ["!done", ".tag=3"]);
    assert_eq!(got[1][0], "!re");
    assert!(
        got[1].contains(&"=disabled=true".to_owned())
            && got[1].contains(&"=name=ether1".to_owned())
    );
    assert_eq!(got[1].last().unwrap(), ".tag=2");

    raw.send(&["/cancel", "=tag=2", ".tag=7"]).await;
    assert_eq!(
        raw.read().await,
        ["!trap", "=category=2", "=message=interrupted", ".tag=2"]
    );
    assert_eq!(raw.read().await, ["!done", ".tag=7"]);
    assert_eq!(raw.read().await, ["!done", ".tag=2"]);
    assert_eq!(sim.streaming_commands(), 0);
}

#[tokio::test]
async fn listen_reports_removal_as_dead() {
    let sim = start_sim(RouterVersion::V7).await;
    let mut raw = Raw::logged_in(&sim, RouterVersion::V7).await;
    raw.send(&["/ppp/active/listen", ".tag=l1"]).await;
    // Wait until the listener is registered before making changes.
    while sim.streaming_commands() == 0 {
        tokio::task::yield_now().await;
    }
    let id = sim
        .connect_ppp("alice", "10.0.0.2".parse().unwrap())
        .unwrap();
    let row = raw.read().await;
    assert!(row.contains(&"=name=alice".to_owned()), "{row:?}");
    sim.disconnect_ppp("alice");
    assert_eq!(
        raw.read().await,
        ["!re", &format!("=.id={id}"), "=.dead=yes", ".tag=l1"]
    );
}

#[tokio::test]
async fn print_follow_sends_current_items_then_changes() {
    let sim = start_sim(RouterVersion::V7).await;
    let mut raw = Raw::logged_in(&sim, RouterVersion::V7).await;
    raw.send(&["/ip/pool/add", "=name=a", "=ranges=10.0.0.2"])
        .await;
    raw.until_done().await;
    raw.send(&["/ip/pool/print", "=follow=", "=.proplist=name", ".tag=f"])
        .await;
    assert_eq!(raw.read().await, ["!re", "=name=a", ".tag=f"]);
    raw.send(&["/ip/pool/add", "=name=b", "=ranges=10.0.0.3", ".tag=g"])
        .await;
    let mut got = [raw.read().await, raw.read().await];
    got.sort();
    assert_eq!(
        got,
        [
            vec!["!done", "=ret=*2", ".tag=g"],
            vec!["!re", "=name=b", ".tag=f"]
        ]
    );
}

#[tokio::test]
async fn quit_is_answered_with_fatal() {
    let sim = start_sim(RouterVersion::V6).await;
    let mut raw = Raw::logged_in(&sim, RouterVersion::V6).await;
    raw.send(&["/quit"]).await;
    assert_eq!(
        raw.read().await,
        ["!fatal", "session terminated on request"]
    );
}

/// A peer that logs the client in and answers its first command with a script of sentences,
/// for replies no router we simulate sends.
async fn scripted_peer(script: Vec<Vec<&'static str>>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut conn = BufReader::new(tcp);
        read_sentence(&mut conn).await.unwrap();
        conn.get_mut()
            .write_all(&encode_sentence(&["!done"]))
            .await
            .unwrap();
        let command = read_sentence(&mut conn).await.unwrap();
        let tag = String::from_utf8(command.last().unwrap().clone()).unwrap();
        for mut sentence in script {
            sentence.push(&tag);
            conn.get_mut()
                .write_all(&encode_sentence(&sentence))
                .await
                .unwrap();
        }
        // Hold the connection open until the client goes.
        _ = read_sentence(&mut conn).await;
    });
    address
}

#[tokio::test]
async fn unknown_reply_words_are_ignored() {
    let address = scripted_peer(vec![
        vec!["!re", "=name=a"],
        vec!["!someday", "=x=y"],
        vec!["!empty"],
        vec!["!re", "=name=b"],
        vec!["!done"],
    ])
    .await;
    let options = ConnectOptions::new("127.0.0.1", "u", "p").port(address.port());
    let client = Client::connect(&options).await.unwrap();
    let response = client.command(&Command::new("/x/print")).await.unwrap();
    let names: Vec<&str> = response
        .rows
        .iter()
        .map(|r| r.get("name").unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[tokio::test]
async fn a_trap_without_a_category_keeps_its_message() {
    let address = scripted_peer(vec![vec!["!trap", "=message=it broke"], vec!["!done"]]).await;
    let options = ConnectOptions::new("127.0.0.1", "u", "p").port(address.port());
    let client = Client::connect(&options).await.unwrap();
    match client.command(&Command::new("/x/do")).await {
        Err(routeros_api::Error::Trap {
            category: None,
            message,
            ..
        }) => assert_eq!(message, "it broke"),
        other => panic!("expected a trap, got {other:?}"),
    }
    // The connection is still good for the next command.
    assert!(!client.is_closed());
}
