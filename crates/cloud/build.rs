fn main() {
    // `embed_migrations!` only sees files that exist when the crate is compiled; make a new
    // migration file trigger a rebuild.
    println!("cargo:rerun-if-changed=migrations");
}
