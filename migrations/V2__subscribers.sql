-- Version 2: what the subscribers issue needs on top of V1.

-- A plan names the PPP profile / hotspot user profile that routers give its customers
-- (address pool, session timeout; sent as Mikrotik-Group).
ALTER TABLE service_plans ADD COLUMN profile_name TEXT NOT NULL DEFAULT '';

-- Isolir is the ISP's setting (settings key 'radius'), not a per-customer flag.
ALTER TABLE customers DROP COLUMN isolated;

-- Prefix search on phone numbers uses LIKE, which needs a case-insensitive index.
DROP INDEX customers_phone;
CREATE INDEX customers_phone ON customers (phone COLLATE NOCASE);

-- The derived RADIUS rows are looked up and rewritten by user and by group.
CREATE INDEX radusergroup_groupname ON radusergroup (groupname);

-- Accounting totals per user for quotas and usage.
CREATE INDEX radacct_username_start ON radacct (username, acctstarttime);

-- Encrypted secrets record which key sealed them, so a database restored on another
-- machine says "re-enter the router passwords" instead of failing obscurely.
CREATE TABLE secret_keys (
    key_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    -- A value sealed with the key, to check the key before using it.
    probe BLOB NOT NULL
) STRICT;
