-- Customers, stored as the JSON the API answers with; `position` keeps the creation order
-- (an upsert keeps a customer's place, a merge removes the source's).
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX customers_by_position ON customers (position, id);

-- Payment tokens already turned into instruments: each works once.
CREATE TABLE used_tokens (
    token TEXT PRIMARY KEY
);
