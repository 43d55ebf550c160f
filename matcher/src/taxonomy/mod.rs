//! The taxonomy: skills, themes, roles, industries, prefectures and wider regions.
