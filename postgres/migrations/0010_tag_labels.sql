-- A story's topics and persons as its own text names them: "Эльвира
-- Набиуллина" on a Russian story whose tag was made as "Elvira
-- Nabiullina". Empty when the story uses the tag's own name.
ALTER TABLE article_topics ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE article_persons ADD COLUMN label TEXT NOT NULL DEFAULT '';
