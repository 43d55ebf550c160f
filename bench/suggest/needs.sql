-- Synthetic open needs for the region-wide suggestion benchmark (bench/suggest/run.sh):
-- :needs needs of :orgs organizations (each with its SME owner, who cannot log in) in
-- region :region, and on every :applied-th need 3 applications from the professionals
-- of bench/load/fixture.sql (:count of them). Deterministic: the same settings give
-- the same rows. Run after fixture.sql:
--   psql -v region=<uuid> -v needs=2000 -v orgs=200 -v applied=5 -v count=100000 -f needs.sql
\set ON_ERROR_STOP on

BEGIN;

INSERT INTO users (id, email, password_hash, display_name, role, region_id, created_at, erased_at)
SELECT md5('musubi-suggest-sme-' || o)::uuid, 'sme-' || o || '@suggest.test', '!',
       '代表 ' || o, 'sme', NULL, now(), NULL
FROM generate_series(1, :orgs) AS o;

INSERT INTO organizations (id, owner_id, region_id, name, kind, industry, city, employees, description, created_at)
SELECT md5('musubi-suggest-org-' || o)::uuid, md5('musubi-suggest-sme-' || o)::uuid, :'region'::uuid,
       (ARRAY['丸山漆器','信州食品','木曽木工','塩尻ワイナリー','奈良井宿観光','桔梗ヶ原農園','みどり湖製作所','広丘精機'])[1 + o % 8] || ' ' || o,
       CASE WHEN o % 10 = 0 THEN 'municipality' ELSE 'sme' END,
       (ARRAY['manufacturing','retail','food_and_beverage','traditional_craft','tourism','agriculture','it','services'])[1 + o % 8],
       '塩尻市', 5 + o % 200, NULL, now()
FROM generate_series(1, :orgs) AS o;

CREATE TEMP TABLE need_pick ON COMMIT DROP AS
SELECT i,
       (hashtext('musubi-need-a-' || i) & 2147483647) AS a,
       (hashtext('musubi-need-b-' || i) & 2147483647) AS b,
       md5('musubi-suggest-need-' || i)::uuid AS id,
       md5('musubi-suggest-org-' || (1 + i % :orgs))::uuid AS org
FROM generate_series(1, :needs) AS i;

INSERT INTO needs (id, organization_id, region_id, status, title, description, goal, role, style, skills,
                   themes, hours_min, hours_max, duration_months, work_style, onsite_visits_per_month,
                   meeting_slots, compensation_min_jpy, compensation_max_jpy, pro_bono, headcount, apply_by,
                   created_at, updated_at)
SELECT n.id, n.org, :'region'::uuid, 'open',
       (ARRAY['シティプロモーションのCMO','ECサイトの立ち上げ','採用と組織づくりの伴走','管理会計の仕組みづくり',
              '業務のDX推進','ブランドのリニューアル','販路開拓と卸の商談','インバウンドの受け入れ体制',
              '事業承継と第二創業','データで現場の改善'])[1 + n.a % 10] || '（案件 ' || n.i || '）',
       (ARRAY['漆器と木曽の伝統工芸の魅力を全国に伝える戦略づくりと実行。',
              '自社ECを立ち上げ、ふるさと納税の返礼品と連動させたい。',
              '地元の若手の採用と育成の仕組みを一緒につくってほしい。',
              '月次の数字を見える化し、資金繰りの見通しを立てたい。',
              '紙とFAXの受発注をクラウドに移し、現場の負担を減らしたい。'])[1 + n.b % 5] || '月' || (4 + n.a % 8) || '日以内、' ||
       (ARRAY['フルリモート','月1回の現地訪問あり','現地中心'])[1 + n.b % 3] || '。',
       (ARRAY['関係人口を増やし、ECの売上を前年比150%に','一年で新しい販路を3つ開く','採用の応募を倍にする',
              '月次決算を10営業日以内に','受発注の手作業を半分に'])[1 + n.a % 5],
       (ARRAY['cmo','chro','cfo','cto','cdo','coo','cso','pr','sales','designer','engineer','other'])[1 + n.a % 12],
       (ARRAY['hands_on','advisory','either'])[1 + n.b % 3],
       (SELECT json_agg(json_build_object(
                  'skill', (ARRAY['digital_marketing','sns_marketing','ec','ec_site_building','web_advertising',
                                  'content_marketing','branding','pr','pr_strategy','city_promotion','hiring',
                                  'hr_evaluation','training','organization_development','accounting','finance',
                                  'fundraising','subsidies','business_planning','new_business','project_management',
                                  'dx','data_analysis','software_development','web_design','graphic_design',
                                  'channel_development','furusato_nozei','tourism_promotion','inbound_tourism',
                                  'craft_branding','lacquerware','business_succession','relationship_population',
                                  'event_planning','market_research','product_planning'])[1 + (n.a / 7 + k * 13) % 37],
                  'min_level', 1 + (n.b / (k + 3)) % 4,
                  'must', k = 0))
          FROM generate_series(0, n.i % 3) AS k),
       json_build_array((ARRAY['dx','traditional_craft','regional_revitalization','tourism','inbound','agriculture',
                               'food','business_succession','hiring','education','sustainability','community',
                               'relationship_population','new_business','export','sales_channels'])[1 + n.b % 16],
                        'regional_revitalization'),
       8 + n.a % 9, 24 + n.b % 17, 3 + n.a % 10,
       (ARRAY['remote','remote','hybrid','onsite'])[1 + n.b % 4],
       CASE WHEN n.b % 4 = 0 THEN 0 ELSE n.a % 3 END,
       (ARRAY['["weekday_evening","weekend"]','["weekend"]','["weekday_day","weekday_evening"]','["weekday_evening"]'])[1 + n.a % 4]::json,
       30000 + (n.a % 5) * 10000, 80000 + (n.b % 8) * 20000, false,
       1 + n.i % 3,
       CASE WHEN n.a % 2 = 0 THEN DATE '2027-06-30' ELSE NULL END,
       now(), now()
FROM need_pick AS n;

-- The needs' skills, as the service stores them beside the need (for GET /needs?skill=).
INSERT INTO need_skills (need_id, skill)
SELECT DISTINCT n.id, s.value ->> 'skill'
FROM needs AS n, json_array_elements(n.skills) AS s
WHERE n.region_id = :'region'::uuid;

-- Three applicants on every :applied-th need.
INSERT INTO applications (id, need_id, professional_id, message, status, score, created_at, updated_at)
SELECT md5('musubi-suggest-app-' || n.i || '-' || k)::uuid, n.id,
       md5('musubi-load-' || (1 + (n.i * 7919 + k * 104729) % :count))::uuid,
       (ARRAY['塩尻出身のマーケターです。関係人口を増やしたい', '漆器のEC立ち上げを3回経験しました',
              '週末に伴走できます。シティプロモーションに関わりたい', '広報の経験を地域で活かしたい'])[1 + k % 4],
       'submitted', NULL, now(), now()
FROM need_pick AS n, generate_series(1, 3) AS k
WHERE n.i % :applied = 0
ON CONFLICT DO NOTHING;

COMMIT;
ANALYZE organizations;
ANALYZE needs;
ANALYZE applications;
