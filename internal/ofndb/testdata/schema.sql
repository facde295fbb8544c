-- The part of the Open Food Network schema that announce reads, written for
-- the tests from openfoodfoundation/openfoodnetwork db/schema.rb (schema
-- version 2024_10_30): the same table and column names and types, only the
-- columns the queries use plus the NOT NULL ones that shape the data. Rails
-- datetimes are `timestamp without time zone` holding UTC.

CREATE TABLE spree_addresses (
  id serial PRIMARY KEY,
  firstname varchar(255),
  lastname varchar(255),
  address1 varchar(255) NOT NULL DEFAULT '',
  city varchar(255) NOT NULL DEFAULT ''
);

CREATE TABLE spree_users (
  id serial PRIMARY KEY,
  email varchar(255),
  locale varchar(6),
  bill_address_id integer REFERENCES spree_addresses (id),
  confirmed_at timestamp,
  disabled_at timestamp,
  created_at timestamp NOT NULL DEFAULT now(),
  updated_at timestamp NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_idx_unique ON spree_users (email);

CREATE TABLE enterprises (
  id serial PRIMARY KEY,
  name varchar(255),
  is_primary_producer boolean,
  owner_id integer NOT NULL REFERENCES spree_users (id),
  sells varchar(255) NOT NULL DEFAULT 'none',
  permalink varchar(255) NOT NULL
);

CREATE TABLE enterprise_roles (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES spree_users (id),
  enterprise_id integer NOT NULL REFERENCES enterprises (id),
  receives_notifications boolean DEFAULT false,
  UNIQUE (user_id, enterprise_id)
);

CREATE TABLE customers (
  id serial PRIMARY KEY,
  email varchar(255) NOT NULL,
  enterprise_id integer NOT NULL REFERENCES enterprises (id),
  user_id integer REFERENCES spree_users (id),
  name varchar(255),
  first_name varchar NOT NULL DEFAULT '',
  last_name varchar NOT NULL DEFAULT ''
);
CREATE INDEX index_customers_on_email ON customers (email);

CREATE TABLE order_cycles (
  id serial PRIMARY KEY,
  name varchar(255) NOT NULL,
  orders_open_at timestamp,
  orders_close_at timestamp,
  coordinator_id integer NOT NULL REFERENCES enterprises (id)
);

CREATE TABLE exchanges (
  id serial PRIMARY KEY,
  order_cycle_id integer NOT NULL REFERENCES order_cycles (id),
  sender_id integer NOT NULL REFERENCES enterprises (id),
  receiver_id integer NOT NULL REFERENCES enterprises (id),
  incoming boolean NOT NULL DEFAULT false
);
