-- Version 3: api-mode provisioning (issue #5).

-- Routers in `api` mode whose PPP secrets, hotspot users and profiles must be made equal to
-- what the database says. The triggers below queue a router in the same transaction as the
-- change that concerns it, so no operation can forget to; the desktop's provisioning job
-- (ispdesk-routers) drains the queue. One row per router: `generation` grows with every
-- change, so a change made while the router is being provisioned keeps the row queued.
-- `attempts`, `not_before` and `last_error` pace retries while a router is unreachable.
-- Local-only (LOCAL_ONLY_TABLES): each installation provisions the routers it reaches.
CREATE TABLE provision_queue (
    router_id TEXT PRIMARY KEY REFERENCES routers (id) ON DELETE CASCADE,
    generation INTEGER NOT NULL DEFAULT 1,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT,
    last_error TEXT
) STRICT;

-- Each trigger selects the api-mode routers concerned and upserts their row. (The WHERE on
-- every SELECT also keeps SQLite from reading ON CONFLICT as a join constraint.)

CREATE TRIGGER customers_provision_insert AFTER INSERT ON customers
WHEN NEW.router_id IS NOT NULL BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id = NEW.router_id AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

-- Only what a router holds: not the phone number, the balance or the notes.
CREATE TRIGGER customers_provision_update AFTER UPDATE ON customers
WHEN OLD.username IS NOT NEW.username OR OLD.password_enc IS NOT NEW.password_enc
    OR OLD.status IS NOT NEW.status OR OLD.plan_id IS NOT NEW.plan_id
    OR OLD.router_id IS NOT NEW.router_id OR OLD.service_type IS NOT NEW.service_type BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id IN (OLD.router_id, NEW.router_id) AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER customers_provision_delete AFTER DELETE ON customers
WHEN OLD.router_id IS NOT NULL BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id = OLD.router_id AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

-- A plan's profile or speed reaches every router one of its customers is on.
CREATE TRIGGER service_plans_provision_update AFTER UPDATE ON service_plans
WHEN OLD.profile_name IS NOT NEW.profile_name
    OR OLD.bandwidth_profile_id IS NOT NEW.bandwidth_profile_id
    OR OLD.service_type IS NOT NEW.service_type BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT DISTINCT r.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers r
    JOIN customers c ON c.router_id = r.id
    WHERE c.plan_id = NEW.id AND r.provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER bandwidth_profiles_provision_update AFTER UPDATE ON bandwidth_profiles BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT r.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers r
    WHERE r.provisioning_mode = 'api' AND (
        EXISTS (SELECT 1 FROM customers c JOIN service_plans p ON p.id = c.plan_id
                WHERE c.router_id = r.id AND p.bandwidth_profile_id = NEW.id)
        OR EXISTS (SELECT 1 FROM pppoe_profiles x
                   WHERE x.router_id = r.id AND x.bandwidth_profile_id = NEW.id)
        OR EXISTS (SELECT 1 FROM hotspot_profiles x
                   WHERE x.router_id = r.id AND x.bandwidth_profile_id = NEW.id))
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER pppoe_profiles_provision_insert AFTER INSERT ON pppoe_profiles BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id = NEW.router_id AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER pppoe_profiles_provision_update AFTER UPDATE ON pppoe_profiles BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id IN (OLD.router_id, NEW.router_id) AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER pppoe_profiles_provision_delete AFTER DELETE ON pppoe_profiles BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id = OLD.router_id AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER hotspot_profiles_provision_insert AFTER INSERT ON hotspot_profiles BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id = NEW.router_id AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER hotspot_profiles_provision_update AFTER UPDATE ON hotspot_profiles BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id IN (OLD.router_id, NEW.router_id) AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

CREATE TRIGGER hotspot_profiles_provision_delete AFTER DELETE ON hotspot_profiles BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id = OLD.router_id AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

-- A renamed pool renames what the router's profiles point at.
CREATE TRIGGER ip_pools_provision_update AFTER UPDATE ON ip_pools
WHEN OLD.name IS NOT NEW.name BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM routers
    WHERE id = NEW.router_id AND provisioning_mode = 'api'
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;

-- A router switched to api mode (or reached at a new address, with a new password or a newly
-- confirmed certificate) is brought in line at once.
CREATE TRIGGER routers_provision_update AFTER UPDATE ON routers
WHEN NEW.provisioning_mode = 'api' AND (OLD.provisioning_mode IS NOT NEW.provisioning_mode
    OR OLD.address IS NOT NEW.address OR OLD.api_port IS NOT NEW.api_port
    OR OLD.api_password_enc IS NOT NEW.api_password_enc OR OLD.is_active IS NOT NEW.is_active
    OR OLD.tls_fingerprint IS NOT NEW.tls_fingerprint) BEGIN
    INSERT INTO provision_queue (router_id, queued_at)
    VALUES (NEW.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ON CONFLICT (router_id) DO UPDATE SET generation = generation + 1,
        queued_at = excluded.queued_at, attempts = 0, not_before = NULL, last_error = NULL;
END;
