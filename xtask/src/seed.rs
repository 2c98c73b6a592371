//! A database with a completed setup and many customers, for benchmarks.

use anyhow::{Context, Result};
use ispdesk_core::{Core, OwnerInput, SetupInput};
use ispdesk_domain::CompanyInput;
use std::path::Path;

pub const OWNER: (&str, &str) = ("pemilik", "Warung2026!");

pub fn seed(path: &Path, customers: usize) -> Result<()> {
    let core = Core::open(path).context("opening the benchmark database")?;
    core.complete_setup(&SetupInput {
        company: CompanyInput {
            name: "Berkah Net".into(),
            address: "Jl. Melati 5, Sleman".into(),
            phone: "0812-3456-7890".into(),
            time_zone: "Asia/Jakarta".into(),
            currency: "IDR".into(),
        },
        owner: OwnerInput {
            username: OWNER.0.into(),
            full_name: "Budi Santoso".into(),
            password: OWNER.1.into(),
        },
    })
    .context("completing setup")?;
    core.with_connection(|conn| -> Result<()> {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO customers (id, username, password_enc, name, phone, address, service_type, status, expires_at, created_at, updated_at)
                 VALUES (?1, ?2, x'00', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?;
            for i in 0..customers {
                insert.execute((
                    ispdesk_domain::CustomerId::new().to_string(),
                    format!("pelanggan{i:06}"),
                    format!("Pelanggan Nomor {i}"),
                    format!("08{:010}", 1_200_000_000u64 + i as u64),
                    format!("RT {:02} RW {:02}, Desa Sukamaju", i % 20, i % 7),
                    if i % 3 == 0 { "pppoe" } else { "hotspot" },
                    ["active", "active", "active", "suspended", "expired"][i % 5],
                    "2026-12-23T00:00:00.000Z",
                    "2026-11-01T00:00:00.000Z",
                ))?;
            }
        }
        tx.commit()?;
        Ok(())
    })
}
