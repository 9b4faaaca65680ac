-- 0010: billing as the client was told.
--
-- An after-hours emergency is paid separately, beyond the plan: its own hourly rate per
-- client (NULL: the plan's extra hour rate). Seed 001's penalty for SLA breaches: none by
-- default; 'hour' charges penalty_amount RUB per working hour overdue, 'ticket' per
-- ticket with a missed target, at most penalty_cap_share of the month's plan fee when set.
ALTER TABLE clients ADD COLUMN emergency_hour_rate INTEGER CHECK (emergency_hour_rate >= 0);
ALTER TABLE clients ADD COLUMN penalty_basis TEXT CHECK (penalty_basis IN ('hour', 'ticket'));
ALTER TABLE clients ADD COLUMN penalty_amount INTEGER CHECK (penalty_amount >= 0);
ALTER TABLE clients ADD COLUMN penalty_cap_share REAL
    CHECK (penalty_cap_share >= 0 AND penalty_cap_share <= 1);

-- Seed 003: the first months of a plan without the monthly fee, paying only for the work.
ALTER TABLE clients ADD COLUMN plan_fee_free_months INTEGER NOT NULL DEFAULT 0;
ALTER TABLE client_plans ADD COLUMN fee_free_months INTEGER NOT NULL DEFAULT 0
    CHECK (fee_free_months >= 0);
