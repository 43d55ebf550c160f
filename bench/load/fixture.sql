-- Synthetic professionals for the load test: :count users with realistic profiles
-- (Japanese names, headlines and motivations, taxonomy skills, roles, industries,
-- themes, homes and ties), written in two set-based INSERTs. Deterministic: the same
-- :count gives the same rows. Run with: psql -v count=100000 -f fixture.sql
\set ON_ERROR_STOP on

BEGIN;

CREATE TEMP TABLE pick ON COMMIT DROP AS
SELECT i,
       (hashtext('musubi-a-' || i) & 2147483647) AS a,
       (hashtext('musubi-b-' || i) & 2147483647) AS b,
       (hashtext('musubi-c-' || i) & 2147483647) AS c,
       md5('musubi-load-' || i)::uuid AS id
FROM generate_series(1, :count) AS i;

INSERT INTO users (id, email, password_hash, display_name, role, region_id, created_at, erased_at)
SELECT id,
       'pro-' || i || '@load.test',
       '!',  -- no password: these accounts cannot log in
       (ARRAY['佐藤','鈴木','高橋','田中','伊藤','渡辺','山本','中村','小林','加藤','吉田','山田','松本','井上','木村'])[1 + a % 15]
         || ' ' ||
       (ARRAY['花子','太郎','陽菜','蓮','葵','湊','結衣','大翔','美咲','健','さくら','翔太','愛','誠','真由美'])[1 + b % 15],
       'professional', NULL, now(), NULL
FROM pick;

INSERT INTO profiles (user_id, headline, bio, motivation, skills, roles, industries, themes,
                      style, hours_per_month, available_from, max_engagements, work_style,
                      max_onsite_visits_per_month, home_prefecture, home_city, ties,
                      meeting_slots, min_compensation_jpy, pro_bono_ok, active,
                      created_at, updated_at)
SELECT p.id,
       (ARRAY['元大手メーカーのマーケター。週末に地方企業のEC支援',
              '人事コンサルタント。採用と組織づくりが専門',
              'スタートアップのCFO経験者。資金調達と管理会計',
              'Webエンジニア。業務システムとDXの伴走',
              'デザイナー。ブランドとパッケージのリニューアル',
              '広報・PRの専門家。地域の魅力を全国メディアへ',
              '営業マネージャー。販路開拓と卸の商談が得意',
              '観光プロモーション担当。インバウンドの受け入れ',
              '事業承継の支援者。後継者と一緒に第二創業',
              'データアナリスト。数字で現場の改善を後押し'])[1 + p.a % 10],
       'これまでの経歴: ' || (ARRAY['メーカーで10年','人材会社で8年','監査法人で6年','SIerで12年','デザイン事務所で9年'])[1 + p.c % 5] || '。',
       (ARRAY['生まれ育った長野の伝統工芸を次の世代につなぎたい',
              '地方の中小企業のDXを週末に伴走したい',
              '関係人口を増やし、地域の魅力を全国に発信したい',
              '漆器や木工の販路をECで広げる手伝いがしたい',
              '地域の会社の採用と人材育成を支えたい',
              'ふるさと納税と観光で地域にお金が回る仕組みをつくりたい',
              '事業承継に悩む経営者の力になりたい',
              '農産物のブランド化と6次産業化に関わりたい',
              '自治体のシティプロモーションに民間の視点で貢献したい',
              'インバウンドの受け入れ体制づくりを手伝いたい',
              '子育て世代が働きやすい職場づくりを地方から広げたい',
              'データ分析で現場の業務改善を後押ししたい'])[1 + p.b % 12]
         || '。' || (ARRAY['塩尻','松本','長野','信州','地元','ふるさと'])[1 + p.c % 6] || 'に関わるのが夢です',
       (SELECT json_agg(json_build_object(
                  'skill', (ARRAY['digital_marketing','sns_marketing','ec','ec_site_building','web_advertising',
                                  'content_marketing','branding','pr','pr_strategy','city_promotion','hiring',
                                  'hr_evaluation','training','organization_development','accounting','finance',
                                  'fundraising','subsidies','business_planning','new_business','project_management',
                                  'dx','data_analysis','software_development','web_design','graphic_design',
                                  'channel_development','furusato_nozei','tourism_promotion','inbound_tourism',
                                  'craft_branding','lacquerware','business_succession','relationship_population',
                                  'event_planning','market_research','product_planning'])[1 + (p.a / 7 + k * 11) % 37],
                  'level', 1 + (p.b / (k + 3)) % 5,
                  'years', (p.c / (k + 5)) % 20))
          FROM generate_series(0, p.i % 4) AS k),
       json_build_array(json_build_object(
           'role', (ARRAY['cmo','chro','cfo','cto','cdo','coo','cso','pr','sales','designer','engineer','other'])[1 + p.a % 12],
           'years', p.b % 16)),
       json_build_array((ARRAY['manufacturing','retail','it','media','consulting','finance','tourism',
                               'food_and_beverage','agriculture','traditional_craft','services','education'])[1 + p.c % 12]),
       json_build_array((ARRAY['dx','traditional_craft','regional_revitalization','tourism','inbound','agriculture',
                               'food','business_succession','hiring','education','sustainability','community',
                               'relationship_population','new_business','export','sales_channels'])[1 + p.a % 16],
                        (ARRAY['regional_revitalization','dx','relationship_population','sales_channels'])[1 + p.b % 4]),
       (ARRAY['hands_on','advisory','either'])[1 + p.b % 3],
       4 + p.c % 57,
       CASE WHEN p.a % 3 = 0 THEN DATE '2026-01-01' + (p.b % 500) ELSE NULL END,
       1 + p.c % 3,
       (ARRAY['remote','remote','hybrid','onsite'])[1 + p.a % 4],
       p.b % 5,
       (ARRAY['東京都','東京都','東京都','神奈川県','埼玉県','千葉県','大阪府','愛知県','長野県','福岡県','北海道','京都府'])[1 + p.c % 12],
       (ARRAY['世田谷区','渋谷区','杉並区','横浜市','さいたま市','千葉市','大阪市','名古屋市','松本市','福岡市','札幌市','京都市'])[1 + p.c % 12],
       CASE p.i % 3
         WHEN 0 THEN '[]'::json
         ELSE json_build_array(json_build_object(
                'prefecture', (ARRAY['長野県','長野県','山梨県','新潟県','静岡県','北海道','岐阜県','群馬県'])[1 + p.a % 8],
                'city', (ARRAY['塩尻市','松本市','甲府市','新潟市','静岡市','札幌市','高山市','前橋市'])[1 + p.a % 8],
                'kind', (ARRAY['hometown','family','lived','worked','visited','interest'])[1 + p.b % 6]))
       END,
       (ARRAY['["weekday_evening","weekend"]','["weekend"]','["weekday_day","weekday_evening"]','["weekday_evening"]'])[1 + p.b % 4]::json,
       (p.a % 16) * 10000,
       p.c % 2 = 0,
       p.i % 20 <> 0,  -- one in twenty unlisted
       now(), now()
FROM pick AS p;

-- Every synthetic professional lets all alliance regions find them (sharing `all`), so
-- a region's scouting ranks the whole pool, as the benchmarks' targets are stated.
INSERT INTO sharing_consents (professional_id, mode, region_ids, updated_at)
SELECT user_id, 'all', '[]'::json, now() FROM profiles;

COMMIT;
ANALYZE users;
ANALYZE profiles;
