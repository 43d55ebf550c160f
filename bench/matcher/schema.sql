-- Tables for the SQL version of the Shiojiri score (see top50.sql), loaded with
-- COPY from what `cargo run --example bench_dataset -- export` writes.
DROP TABLE IF EXISTS bench_profiles, bench_need, bench_need_skills, bench_need_terms, bench_musubi;

CREATE UNLOGGED TABLE bench_profiles (
    id                 bigint PRIMARY KEY,
    active             boolean  NOT NULL,
    pro_bono_ok        boolean  NOT NULL,
    style              smallint NOT NULL,  -- 0 hands-on, 1 advisory, 2 either
    work_style         smallint NOT NULL,  -- 0 remote, 1 hybrid, 2 on-site
    slots              smallint NOT NULL,  -- bits: weekday day, weekday evening, weekend
    hours              integer  NOT NULL,
    available_from     date,
    max_engagements    smallint NOT NULL,
    active_engagements smallint NOT NULL,
    max_visits         smallint NOT NULL,
    min_compensation   integer  NOT NULL,
    home_prefecture    smallint NOT NULL,  -- JIS code, 0 unknown
    themes             integer  NOT NULL,  -- bit per taxonomy theme
    role_years         smallint[] NOT NULL, -- years per role, in Role::ALL order
    industries         text[]   NOT NULL,
    skill_ids          smallint[] NOT NULL, -- taxonomy skill ids…
    skill_levels       smallint[] NOT NULL, -- …and levels (capped at 7)
    place_kinds        smallint[] NOT NULL, -- 1 home, 2–7 ties (hometown…interest), 8 earlier engagement
    place_prefectures  smallint[] NOT NULL,
    place_cities       text[]   NOT NULL,
    terms              text[]   NOT NULL,  -- distinct text terms (CJK bigrams, Latin words)…
    tfs                smallint[] NOT NULL, -- …and their counts
    doc_len            integer  NOT NULL   -- tokens in the text
);

CREATE UNLOGGED TABLE bench_need (
    w_skill real, w_motivation real, w_experience real, w_availability real,
    w_region real, w_work real, w_pay real,
    asks_skills boolean,
    requirement_scale double precision,  -- 1 / Σ requirement weights
    themes integer,
    theme_count integer,
    role smallint,                      -- 1-based index into role_years
    industry text,
    style smallint,
    hours_min integer,
    start_by date,                      -- apply_by, or today
    slots smallint,
    prefecture smallint,
    city text,
    wider smallint[],                   -- the other prefectures of its wider region
    work_style smallint,
    visits smallint,
    visits_asked boolean,
    budget_min integer,
    budget_max integer,
    pro_bono boolean,
    has_text boolean,                   -- whether the need has any text at all
    average_len double precision,       -- the corpus's average text length
    text_scale double precision         -- 1 / the BM25 ceiling of the need's terms
);

CREATE UNLOGGED TABLE bench_need_skills (
    requirement integer,
    skill_id smallint,
    credit double precision,            -- same 1, more specific 0.7, more general 0.5, sibling 0.3
    min_level smallint,
    weight double precision             -- must 3, nice-to-have 1
);

CREATE UNLOGGED TABLE bench_need_terms (term text PRIMARY KEY, idf double precision);

CREATE UNLOGGED TABLE bench_musubi (id bigint, score double precision);
