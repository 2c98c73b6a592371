//! Integration tests: the codec against published vectors, and the client against the
//! simulator over real TCP and TLS on loopback (and the simulator against a third-party client).

mod codec;
mod concurrency;
mod crud;
mod faults;
mod login;
mod query;
mod streaming;
mod third_party;
mod tls;
mod wire;

use std::time::Duration;

use routeros_api::sim::{RouterVersion, SimConfig, Simulator};
use routeros_api::{Client, ConnectOptions};

pub const USER: &str = "api";
pub const PASSWORD: &str = "s3cret=x";

/// A simulator with our test user, fast monitor ticks, and TLS.
pub async fn start_sim(version: RouterVersion) -> Simulator {
    let mut config = SimConfig::new(version).user(USER, PASSWORD).with_tls();
    config.monitor_interval = Duration::from_millis(20);
    Simulator::start(config)
        .await
        .expect("the simulator starts")
}

/// Plain-API options for the simulator, with short timeouts so fault tests stay fast.
pub fn options(sim: &Simulator) -> ConnectOptions {
    ConnectOptions::new("127.0.0.1", USER, PASSWORD)
        .port(sim.address().port())
        .connect_timeout(Duration::from_secs(5))
        .command_timeout(Duration::from_secs(5))
}

pub async fn connect(sim: &Simulator) -> Client {
    Client::connect(&options(sim))
        .await
        .expect("the client logs in")
}
