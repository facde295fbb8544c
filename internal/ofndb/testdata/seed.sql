-- Seed rows for the katuma test instance (Europe/Madrid, locales es, ca).
-- The test window: Tuesday 2019-05-07 09:00–11:00 CEST, may run 1 h longer,
-- = 07:00–10:00 UTC. Every timestamp below is UTC, as Rails writes it.

INSERT INTO spree_addresses (id, firstname, lastname) VALUES
  (1, 'Montse', 'Vidal'),
  (2, 'Jordi', 'Puig'),
  (3, 'Anna', 'Ferrer'),
  (4, NULL, NULL),            -- an address without a name: no name
  (5, 'Guillem', 'Soler');

INSERT INTO spree_users (id, email, locale, bill_address_id, confirmed_at, disabled_at) VALUES
  (1, 'montse@hortdelbaix.test', 'ca', 1, '2018-01-01', NULL),      -- manages a hub that also produces
  (2, 'jordi.puig@example.test', 'es', 2, '2018-01-01', NULL),      -- manages a producer
  (3, 'anna@botiga.test', 'fr', 3, '2018-01-01', NULL),             -- manages a shop selling its own: fr is not offered
  (4, 'pere@example.test', NULL, 4, '2018-01-01', NULL),            -- a shopper with an account, no locale
  (5, 'nou@example.test', 'ca', NULL, NULL, NULL),                  -- never confirmed: nobody
  (6, 'baixa@hortdelbaix.test', 'ca', NULL, '2018-01-01', '2019-01-01'), -- disabled manager: nobody
  (7, 'laia@example.test', 'ca_ES', NULL, '2018-01-01', NULL),      -- a plain user, regional locale
  (8, 'marc@example.test', 'en', 5, '2018-01-01', NULL);            -- a plain user, en not offered

INSERT INTO enterprises (id, name, is_primary_producer, owner_id, sells, permalink) VALUES
  (1, 'Hort del Baix', true, 1, 'any', 'hort-del-baix'),
  (2, 'Mas Puig', true, 2, 'none', 'mas-puig'),
  (3, 'Botiga Ferrer', false, 3, 'own', 'botiga-ferrer'),
  (4, 'Cistella Tancada', false, 6, 'any', 'cistella-tancada');

INSERT INTO enterprise_roles (user_id, enterprise_id) VALUES
  (1, 1), (1, 2),   -- montse: hub and producer; the hub wins
  (2, 2),
  (3, 3),
  (6, 4);           -- disabled

-- Order cycles, UTC.
INSERT INTO order_cycles (id, name, orders_open_at, orders_close_at, coordinator_id) VALUES
  -- closes 08:30 CEST on the window's day, in the hour before it
  (1, 'Setmana 19', '2019-04-29 06:00', '2019-05-07 06:30', 1),
  -- open all through the window: Hort del Baix's shop is open
  (8, 'Setmana 19 bis', '2019-05-06 06:00', '2019-05-09 18:00', 1),
  -- closed a week before the window
  (2, 'Abril', '2019-04-01 06:00', '2019-04-30 18:00', 4),
  -- opens 14:00 CEST, after the window's latest end (12:00 CEST)
  (3, 'Setmana 20', '2019-05-07 12:00', '2019-05-14 12:00', 1),
  -- the night DST ends (2019-10-27, 03:00 CEST -> 02:00 CET): 02:30 local
  -- happens twice; these close at the first and the second 02:30
  (4, 'Tardor CEST', '2019-10-20 06:00', '2019-10-27 00:30', 1),
  (5, 'Tardor CET', '2019-10-20 06:00', '2019-10-27 01:30', 4),
  -- a winter close at 10:00 CET, a summer one at 10:00 CEST: one hour apart in UTC
  (6, 'Gener', '2019-01-01 06:00', '2019-01-07 09:00', 1),
  (7, 'Juny', '2019-06-01 06:00', '2019-06-10 08:00', 1);

INSERT INTO exchanges (order_cycle_id, sender_id, receiver_id, incoming) VALUES
  (1, 2, 1, true),   -- Mas Puig supplies Hort del Baix
  (1, 1, 1, false),  -- Hort del Baix distributes (closed by the window)
  (8, 1, 1, false),  -- Hort del Baix distributes: its shop is open
  (2, 4, 4, false),  -- Cistella Tancada distributed, closed before the window
  (3, 1, 3, false);  -- Botiga Ferrer distributes only from 14:00: closed during the window, open a week later

INSERT INTO customers (id, email, enterprise_id, user_id, name, first_name, last_name) VALUES
  (1, 'convidada@example.test', 1, NULL, NULL, 'Clara', 'Roca'),  -- a guest of the open shop
  (2, 'PERE@example.test', 1, 4, NULL, '', ''),                    -- pere, as a customer (other case)
  (3, 'tancat@example.test', 4, NULL, 'Tomàs Tancat', '', ''),     -- customer of the closed shop
  (4, 'baixa@hortdelbaix.test', 1, 6, NULL, '', ''),               -- disabled user as customer
  (5, 'no-es-una-adreca', 1, NULL, NULL, '', ''),                  -- a bad address
  (6, 'botiga@example.test', 3, NULL, 'Bernat', '', ''),           -- Botiga Ferrer's shop opens after the window
  (7, 'montse@HORTDELBAIX.test', 1, NULL, NULL, 'M', 'V');         -- montse again, as a guest: one email

SELECT setval('spree_users_id_seq', 100), setval('spree_addresses_id_seq', 100),
  setval('enterprises_id_seq', 100), setval('customers_id_seq', 100), setval('order_cycles_id_seq', 100);
