-- The Shiojiri score of every profile for one need, in one query: the same seven
-- factors, weights and hard exclusions as the matcher (matcher/src/factors/kernel.rs),
-- over the rows schema.sql holds. Ordered as the matcher orders (score, then id).
SELECT id, round(total::numeric, 4) AS score FROM (
SELECT p.id,
       least(100, greatest(0, 100 * (
             n.w_skill * skill.fit
           + n.w_motivation * motivation.fit
           + n.w_experience * experience.fit
           + n.w_availability * availability.fit
           + n.w_region * region.fit
           + n.w_work * work.fit
           + n.w_pay * pay.fit))) AS total
FROM bench_need n
CROSS JOIN bench_profiles p
-- skill_fit: per asked skill, the best of the professional's (relation credit ×
-- level / asked level, at most 1); must skills weigh 3×; 1 when none is asked.
CROSS JOIN LATERAL (
    SELECT CASE WHEN NOT n.asks_skills THEN 1.0 ELSE least(1.0, n.requirement_scale * coalesce((
        SELECT sum(best.weight * best.credit) FROM (
            SELECT s.requirement, max(s.weight) AS weight,
                   max(s.credit * CASE WHEN held.level >= s.min_level THEN 1.0
                                       ELSE held.level::float8 / s.min_level END) AS credit
            FROM unnest(p.skill_ids, p.skill_levels) AS held(id, level)
            JOIN bench_need_skills s ON s.skill_id = held.id
            GROUP BY s.requirement) best), 0)) END AS fit
) skill
-- motivation_fit: ½ shared themes + ½ BM25 text similarity, bent (either alone).
CROSS JOIN LATERAL (
    SELECT least(1.0, raw.sum * n.text_scale) AS share
    FROM (SELECT coalesce(sum(t.idf * (d.tf * (1.2 + 1.0))
                 / (d.tf + 1.2 * (1.0 - 0.75 + 0.75 * p.doc_len / n.average_len))), 0) AS sum
          FROM unnest(p.terms, p.tfs) AS d(term, tf)
          JOIN bench_need_terms t ON t.term = d.term) raw
) words
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN n.theme_count > 0 AND n.has_text THEN 0.5 * overlap + 0.5 * similarity
        WHEN n.theme_count > 0 THEN overlap
        WHEN n.has_text THEN similarity
        ELSE 0.5 END AS fit
    FROM (SELECT bit_count((p.themes & n.themes)::bit(32))::float8 / greatest(n.theme_count, 1) AS overlap,
                 least(1.0, 1.1 * words.share / (words.share + 0.1)) AS similarity) parts
) motivation
-- experience_fit: role years (0, 0.6, 0.8, 1), industry, hands-on/advisory style.
CROSS JOIN LATERAL (
    SELECT CASE WHEN n.industry <> ''
                THEN 0.5 * role + 0.25 * industry + 0.25 * style
                ELSE role * (2.0 / 3.0) + style * (1.0 / 3.0) END AS fit
    FROM (SELECT CASE WHEN p.role_years[n.role] = 0 THEN 0.0
                      ELSE least(1.0, 0.4 + 0.2 * p.role_years[n.role]) END AS role,
                 CASE WHEN n.industry = ANY (p.industries) THEN 1.0 ELSE 0.0 END AS industry,
                 CASE WHEN n.style = p.style OR n.style = 2 OR p.style = 2 THEN 1.0 ELSE 0.0 END AS style) parts
) experience
-- availability_fit: (0.7 hours + 0.3 start) × meeting slots.
CROSS JOIN LATERAL (
    SELECT (0.7 * CASE WHEN n.hours_min = 0 OR p.hours >= n.hours_min THEN 1.0
                       ELSE p.hours::float8 / n.hours_min END
          + 0.3 * CASE WHEN p.available_from IS NULL OR p.available_from <= n.start_by THEN 1.0
                       ELSE greatest(0.0, 1.0 - (p.available_from - n.start_by) / 90.0) END)
         * CASE WHEN n.slots = 0 THEN 1.0
                WHEN p.slots = 0 THEN 0.5
                WHEN p.slots & n.slots = 0 THEN 0.15
                ELSE 0.75 + 0.25 * bit_count((p.slots & n.slots)::int::bit(8))::float8
                                  / bit_count(n.slots::int::bit(8)) END AS fit
) availability
-- regional_affinity: the strongest tie (city 1 / 0.8 / 0.5 by kind, 80 % of that in
-- the prefecture, 0.3 in the wider region) plus earlier engagements (+0.2 city,
-- +0.1 prefecture, at most 0.2), at most 1.
CROSS JOIN LATERAL (
    SELECT least(1.0, coalesce(max(tie), 0) + least(0.2, coalesce(sum(past), 0))) AS fit
    FROM (SELECT CASE WHEN place.kind = 8 THEN NULL
                      WHEN n.prefecture = 0 OR place.prefecture = 0 THEN 0.0
                      WHEN place.prefecture = n.prefecture THEN strength
                           * CASE WHEN n.city = '' OR place.city = n.city THEN 1.0 ELSE 0.8 END
                      WHEN place.prefecture = ANY (n.wider) THEN 0.3
                      ELSE 0.0 END AS tie,
                 CASE WHEN place.kind <> 8 OR n.prefecture = 0 OR place.prefecture <> n.prefecture THEN 0.0
                      WHEN n.city <> '' AND place.city = n.city THEN 0.2
                      ELSE 0.1 END AS past
          FROM unnest(p.place_kinds, p.place_prefectures, p.place_cities) AS place(kind, prefecture, city)
          CROSS JOIN LATERAL (SELECT CASE WHEN place.kind IN (1, 2, 3) THEN 1.0
                                          WHEN place.kind IN (4, 5) THEN 0.8
                                          ELSE 0.5 END AS strength) kinds) places
) region
-- work_style_fit: remote/hybrid/on-site; with visits asked, half that and half
-- visits offered × distance.
CROSS JOIN LATERAL (
    SELECT CASE WHEN n.visits = 0 THEN style
                ELSE 0.5 * style + 0.5 * least(1.0, p.max_visits::float8 / n.visits)
                     * CASE WHEN p.home_prefecture <> 0 AND p.home_prefecture = n.prefecture THEN 1.0
                            WHEN p.home_prefecture = ANY (n.wider) THEN 0.9
                            ELSE 0.75 END END AS fit
    FROM (SELECT CASE n.work_style
                     WHEN 0 THEN CASE p.work_style WHEN 2 THEN 0.7 ELSE 1.0 END
                     WHEN 1 THEN CASE p.work_style WHEN 0 THEN 0.5 ELSE 1.0 END
                     ELSE CASE p.work_style WHEN 0 THEN 0.1 WHEN 1 THEN 0.6 ELSE 1.0 END
                 END AS style) parts
) work
-- compensation_fit: within the budget 1, falling to 0.5 at its top; pro bono needs
-- fit pro bono professionals.
CROSS JOIN LATERAL (
    SELECT CASE WHEN n.pro_bono THEN CASE WHEN p.pro_bono_ok THEN 1.0 ELSE 0.0 END
                WHEN p.min_compensation <= n.budget_min THEN 1.0
                WHEN p.min_compensation <= n.budget_max
                     THEN 1.0 - 0.5 * (p.min_compensation - n.budget_min)::float8 / (n.budget_max - n.budget_min)
                ELSE 0.0 END AS fit
) pay
-- The hard exclusions.
WHERE p.active
  AND p.active_engagements < p.max_engagements
  AND p.hours * 2 >= n.hours_min
  AND CASE WHEN n.pro_bono THEN p.pro_bono_ok ELSE p.min_compensation <= n.budget_max END
  AND NOT (n.visits_asked AND p.work_style = 0 AND p.max_visits = 0)
) scored
ORDER BY total DESC, id
LIMIT 50;
