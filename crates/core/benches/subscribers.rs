//! Issue #3's performance targets, on a real database file:
//! - importing 100,000 customers from CSV, RADIUS rows included: under 5 s;
//! - a customer search (prefix of name, username or phone) at 100,000 customers,
//!   first page included: under 20 ms;
//! - changing the bandwidth of a plan 50,000 customers use: under 2 s.
//!
//! `cargo bench -p ispdesk-core --bench subscribers`; figures in BENCHMARKS.md.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ispdesk_core::{Actor, Core, CustomerQuery, OwnerInput, SetupInput};
use ispdesk_domain::bandwidth::BandwidthInput;
use ispdesk_domain::customer::CustomerStatus;
use ispdesk_domain::plan::PlanInput;
use ispdesk_domain::router::RouterInput;
use ispdesk_domain::{BandwidthProfileId, CompanyInput};
use std::hint::black_box;
use std::time::Duration;

struct Isp {
    _dir: tempfile::TempDir,
    core: Core,
    owner: Actor,
    bandwidth: BandwidthProfileId,
}

fn isp() -> Isp {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(&dir.path().join("ispdesk.sqlite")).unwrap();
    let owner = core
        .complete_setup(&SetupInput {
            company: CompanyInput {
                name: "Berkah Net".into(),
                address: String::new(),
                phone: String::new(),
                time_zone: "Asia/Jakarta".into(),
                currency: "IDR".into(),
            },
            owner: OwnerInput {
                username: "budi".into(),
                full_name: "Budi".into(),
                password: "Warung2026!".into(),
            },
        })
        .unwrap()
        .actor;
    core.create_router(
        &owner,
        &RouterInput {
            name: "Pusat".into(),
            short_name: "pusat".into(),
            address: "10.0.0.1".into(),
            radius_secret: "rahasia-radius".into(),
            provisioning_mode: "radius".into(),
            is_active: true,
            ..Default::default()
        },
    )
    .unwrap();
    let bandwidth = core
        .create_bandwidth_profile(
            &owner,
            &BandwidthInput {
                name: "10M".into(),
                rate_up: "5M".into(),
                rate_down: "10M".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    for (code, service) in [("PPP-10M", "pppoe"), ("HS-1D", "hotspot")] {
        core.create_plan(
            &owner,
            &PlanInput {
                name: code.into(),
                code: code.into(),
                service_type: service.into(),
                price: "150000".into(),
                validity_value: "1".into(),
                validity_unit: "months".into(),
                bandwidth_profile_id: bandwidth.to_string(),
                shared_users: "1".into(),
                is_active: true,
                ..Default::default()
            },
        )
        .unwrap();
    }
    Isp {
        _dir: dir,
        core,
        owner,
        bandwidth,
    }
}

/// `n` customers; every other one on the PPPoE plan (so 50,000 of 100,000 share it).
fn csv(n: usize) -> String {
    let mut out = String::with_capacity(n * 100);
    out.push_str("username,password,name,phone,address,plan,router\n");
    for i in 0..n {
        let plan = if i % 2 == 0 { "PPP-10M" } else { "HS-1D" };
        out.push_str(&format!(
            "pelanggan{i:06},sandi{i:06},Pelanggan Nomor {i},08{:010},RT {:02} RW {:02} Desa Sukamaju,{plan},pusat\n",
            1_200_000_000u64 + i as u64,
            i % 20,
            i % 7
        ));
    }
    out
}

fn import(c: &mut Criterion) {
    let file = csv(100_000);
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.bench_function("100k customers from CSV with RADIUS rows", |b| {
        b.iter_batched(
            isp,
            |isp| {
                let summary = isp.core.import_customers(&isp.owner, &file).unwrap();
                assert_eq!(summary.imported, 100_000);
                isp
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn with_customers() -> Isp {
    let isp = isp();
    isp.core
        .import_customers(&isp.owner, &csv(100_000))
        .unwrap();
    isp
}

fn search(c: &mut Criterion) {
    let isp = with_customers();
    let mut group = c.benchmark_group("search at 100k customers, first page of 50");
    let query = |text: &str, status: Option<CustomerStatus>| CustomerQuery {
        text: text.into(),
        status,
        page: 1,
        page_size: 50,
        ..Default::default()
    };
    for (name, q) in [
        ("no filter", query("", None)),
        ("name prefix, many matches", query("pel", None)),
        (
            "name prefix, few matches",
            query("Pelanggan Nomor 4242", None),
        ),
        ("username prefix", query("pelanggan0777", None)),
        ("phone prefix", query("081200012", None)),
        (
            "prefix and status",
            query("pel", Some(CustomerStatus::Active)),
        ),
        ("no match", query("zzz", None)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(isp.core.search_customers(&isp.owner, &q).unwrap()))
        });
    }
    group.finish();
}

fn plan_change(c: &mut Criterion) {
    let isp = with_customers();
    let mut group = c.benchmark_group("plan change");
    group.sample_size(20);
    let mut fast = false;
    group.bench_function("bandwidth of a plan used by 50k customers", |b| {
        b.iter(|| {
            fast = !fast;
            let rate = if fast { "20M" } else { "10M" };
            isp.core
                .update_bandwidth_profile(
                    &isp.owner,
                    isp.bandwidth,
                    &BandwidthInput {
                        name: "10M".into(),
                        rate_up: "5M".into(),
                        rate_down: rate.into(),
                        ..Default::default()
                    },
                )
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, import, search, plan_change);
criterion_main!(benches);
