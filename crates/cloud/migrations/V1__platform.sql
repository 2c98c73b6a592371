-- ispdesk-cloud, version 1: platform users, tenants, devices, and the tenants' synced rows.
--
-- Conventions:
--   * every tenant-owned row carries `tenant_id`, and every query of the API is scoped by
--     the tenant of the caller's token;
--   * times are timestamptz (absolute; shown and sent as UTC);
--   * tokens, session tokens and pairing codes are stored as SHA-256 only;
--   * secrets inside synced rows are sealed (AES-256-GCM, key outside the database);
--   * a released migration is never edited: add V3, V4, ...

CREATE TABLE platform_users (
    id uuid PRIMARY KEY,
    username text NOT NULL,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('super_admin', 'platform_admin', 'support', 'cashier', 'technician')),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);
CREATE UNIQUE INDEX platform_users_username_key ON platform_users (lower(username));

CREATE TABLE admin_sessions (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES platform_users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX admin_sessions_user ON admin_sessions (user_id);

CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    subdomain text NOT NULL CONSTRAINT tenants_subdomain_key UNIQUE,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    max_routers bigint NOT NULL CHECK (max_routers >= 0),
    max_customers bigint NOT NULL CHECK (max_customers >= 0),
    max_vouchers bigint NOT NULL CHECK (max_vouchers >= 0),
    -- Live (not deleted) synced rows of the limited resources, kept by every push in the
    -- same transaction: the plan limits are checked without counting 100,000 rows.
    routers_count bigint NOT NULL DEFAULT 0,
    customers_count bigint NOT NULL DEFAULT 0,
    vouchers_count bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    suspended_at timestamptz,
    last_sync_at timestamptz
);

CREATE TABLE pairing_codes (
    code_hash bytea PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX pairing_codes_tenant ON pairing_codes (tenant_id);

CREATE TABLE devices (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash bytea NOT NULL CONSTRAINT devices_token_hash_key UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX devices_tenant ON devices (tenant_id);

-- The desktop's rows as pushed (docs/sync.md): column -> value, with customer passwords
-- and router secrets sealed (`password_sealed`, `radius_secret_sealed`). A delete keeps
-- a tombstone with its rev, so an older upsert arriving later is recognised as stale.
CREATE TABLE synced_rows (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    table_name text NOT NULL,
    row_id text NOT NULL,
    rev bigint NOT NULL,
    data jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, table_name, row_id),
    CHECK (data IS NULL OR jsonb_typeof(data) = 'object')
);
-- What the RADIUS derivation looks customers up by.
CREATE INDEX synced_customers_plan ON synced_rows (tenant_id, (data ->> 'plan_id'))
    WHERE table_name = 'customers' AND data IS NOT NULL;
CREATE INDEX synced_customers_router ON synced_rows (tenant_id, (data ->> 'router_id'))
    WHERE table_name = 'customers' AND data IS NOT NULL;
CREATE INDEX synced_customers_status ON synced_rows (tenant_id, (data ->> 'status'))
    WHERE table_name = 'customers' AND data IS NOT NULL;
CREATE INDEX synced_customers_username ON synced_rows (tenant_id, lower(data ->> 'username'))
    WHERE table_name = 'customers' AND data IS NOT NULL;

-- Applied push batches: the idempotency keys and the acknowledgement each got.
CREATE TABLE sync_batches (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    batch_id uuid NOT NULL,
    device_id uuid REFERENCES devices (id) ON DELETE SET NULL,
    ack jsonb,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, batch_id)
);
