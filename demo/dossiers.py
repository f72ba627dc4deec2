"""The demo's peer review, as data: the reviewers' expertise, the incubator call's review settings,
four applications and what staff and reviewers did with them. demo/review.py plays it through the
services."""

# Reviewer profiles of the demo reviewers (demo/people.py), by e-mail.
REVIEWER_PROFILES = {
    "expert1@example.org": {
        "kind": "council",
        "disciplines": ["humanites-numeriques", "histoire-sciences", "sciences-information"],
        "keywords": "archives du web, IIIF, OCR, fouille de textes, visualisation",
        "languages": ["fr", "en"],
        "max_load": 8,
    },
    "expert2@example.org": {
        "kind": "external",
        "disciplines": ["histoire", "lettres-langues", "linguistique"],
        "keywords": "manuscrits, paléographie, TEI, édition numérique, presse ancienne",
        "languages": ["en", "fr", "de"],
        "max_load": 5,
    },
}

# Leads of the applications who are not among the demo accounts shown: created quietly.
EXTRA_APPLICANTS = [
    {
        "email": "ines.moreau@example.org",
        "first_name": "Inès",
        "last_name": "Moreau",
        "role": None,
        "institution": "Université Toulouse - Jean Jaurès",
    },
    {
        "email": "hugo.lambert@example.org",
        "first_name": "Hugo",
        "last_name": "Lambert",
        "role": None,
        "institution": "Bibliothèque universitaire des langues et civilisations",
    },
]

# The review settings of the incubator call (calls.models.Call), set after load_call.
REVIEW_SETTINGS = {
    "reviewers_per_application": 2,
    "half_points": True,
    "total_threshold": "10",
    "disagreement_gap": "4",
}
REVIEWS_DUE_IN_DAYS = 5
# The reply phase: open since yesterday, for a week.
REPLY_OPENS_IN_DAYS = -1
REPLY_CLOSES_IN_DAYS = 6
ELIGIBILITY_CHECKS = [
    {
        "fr": "L'équipe réunit au moins un chercheur et un professionnel de la documentation.",
        "en": "The team includes at least one researcher and one documentation professional.",
    },
    {
        "fr": "Le projet s'appuie sur des archives du web accessibles ou une collecte documentée.",
        "en": "The project relies on accessible web archives or a documented harvest.",
    },
    {
        "fr": "La lettre de soutien de l'établissement est jointe et signée.",
        "en": "The institution's signed support letter is attached.",
    },
]

# The applications, in the order they were submitted. `submitted_days`: days before the deadline.
# `screening`: which checklist points are met, and the reason when ineligible.
# `reviews`: by reviewer e-mail; scores in the order of the call's criteria (on 0-5, half points).
APPLICATIONS = [
    {
        "lead": "porteuse@example.org",
        "title": "Blogs de science en archives : extraire et cartographier un web disparu "
        "(2005-2015)",
        "keywords": "archives du web, blogs scientifiques, fouille de textes, visualisation",
        "disciplines": ["histoire-sciences", "humanites-numeriques"],
        "submitted_days": 9,
        "answers": {
            "acronym": "BLOGSCI",
            "abstract": (
                "Entre 2005 et 2015, des centaines de chercheurs ont tenu des carnets de "
                "recherche en ligne, dont beaucoup ont disparu. Les archives du web de la BnF en "
                "conservent une large part. Le projet extrait de ces archives un corpus des blogs "
                "de science francophones, le décrit avec des métadonnées normalisées et propose "
                "une cartographie des thèmes et des liens entre carnets. Le corpus, les scripts "
                "d'extraction et la cartographie seront diffusés sous licence ouverte."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 60,
            "duration": 6,
            "team": (
                "Paule Porteuse, maîtresse de conférences en histoire des sciences (Sorbonne "
                "Université), porte le projet. Nadia Benali, chargée de collections au dépôt "
                "légal du web (BnF), conçoit l'extraction. Louis Garnier, ingénieur d'études "
                "(Université Paris Cité), développe la cartographie."
            ),
        },
        "team": [
            ("Paule Porteuse", "porteuse@example.org", "Sorbonne Université", "researcher", True),
            (
                "Nadia Benali",
                "nadia.benali@example.org",
                "Bibliothèque nationale de France",
                "documentation_professional",
                False,
            ),
            ("Louis Garnier", "louis.garnier@example.org", "Université Paris Cité", "other", False),
        ],
        "budget": [
            ("staff", "Vacations d'ingénieur d'études (trois mois)", "14000", "3000"),
            ("services", "Calcul et stockage sur la plateforme d'archives du web", "4500", "0"),
            ("travel", "Présentation à la journée d'étude du réseau", "1200", "0"),
        ],
        "screening": {"met": [True, True, True]},
        "reviews": {
            "expert1@example.org": {
                "scores": [
                    ("4.5", "Corpus original, questions de recherche claires."),
                    ("4", "La BnF est associée dès la conception de l'extraction."),
                    ("4", "Six mois suffisent si l'accès aux archives est ouvert au démarrage."),
                    ("5", "Licences ouvertes, scripts et données déposés."),
                ],
                "comment_for_applicant": (
                    "Un projet solide et bien ciblé. Précisez comment les carnets seront "
                    "sélectionnés dans les collectes et comment les auteurs encore joignables "
                    "seront informés."
                ),
                "confidential_comment": "Équipe expérimentée ; je recommande le financement.",
                "recommendation": "fund",
            },
            "expert2@example.org": {
                "scores": [
                    ("3", "L'intérêt est réel mais la problématique reste descriptive."),
                    ("3.5", "La répartition des rôles est claire."),
                    ("2.5", "Le calendrier sous-estime le nettoyage des données extraites."),
                    ("3", "Le dépôt des données est prévu, sans entrepôt nommé."),
                ],
                "comment_for_applicant": (
                    "Le corpus est intéressant, mais la question de recherche mériterait d'être "
                    "formulée au-delà de la description. Le calendrier paraît serré pour "
                    "l'extraction et le nettoyage."
                ),
                "confidential_comment": "Faisable, à condition de réduire le périmètre.",
                "recommendation": "reserve",
            },
        },
        "consensus": {
            "rapporteur": "expert1@example.org",
            "scores": [
                ("4", "Corpus original ; la problématique sera précisée."),
                ("4", ""),
                ("3.5", "Calendrier serré : réduire le périmètre à 2005-2012 si nécessaire."),
                ("4", ""),
            ],
            "majority_view": (
                "Projet original et bien construit avec la BnF, qui ouvre un corpus aujourd'hui "
                "inaccessible. Financement recommandé."
            ),
            "minority_view": (
                "Un rapporteur juge la problématique trop descriptive et le calendrier serré."
            ),
            "comment_for_applicant": (
                "Le conseil recommande le financement du projet, sous réserve de préciser la "
                "question de recherche et les critères de sélection des carnets, et de prévoir "
                "une réduction du périmètre si l'extraction prend plus de temps que prévu."
            ),
            "recommendation": "fund_with_changes",
        },
    },
    {
        "lead": "porteur@example.org",
        "title": "La presse locale en ligne des Hauts-de-France : un corpus de référence tiré "
        "des archives du web",
        "keywords": "archives du web, presse locale, constitution de corpus, métadonnées",
        "disciplines": ["histoire", "sciences-information"],
        "submitted_days": 4,
        "answers": {
            "acronym": "PRESSWEB-HDF",
            "abstract": (
                "Les sites de la presse locale publiés depuis 2000 sont une source majeure pour "
                "l'histoire politique et sociale des territoires, mais ils disparaissent ou se "
                "transforment sans cesse. Le projet constitue, à partir des collectes du dépôt "
                "légal du web, un corpus de référence des titres de presse locale des "
                "Hauts-de-France, avec une notice pour chaque titre et des jeux d'articles "
                "exportables pour la fouille de textes."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 45,
            "duration": 6,
            "team": (
                "Pierre Porteur, conservateur à la bibliothèque universitaire de Lille, porte le "
                "projet. Camille Roussel, maîtresse de conférences en histoire contemporaine "
                "(Université de Lille), définit le corpus. Julien Faure, archiviste, décrit les "
                "titres."
            ),
        },
        "team": [
            (
                "Pierre Porteur",
                "porteur@example.org",
                "Université de Lille",
                "documentation_professional",
                True,
            ),
            (
                "Camille Roussel",
                "camille.roussel@example.org",
                "Université de Lille",
                "researcher",
                False,
            ),
            ("Julien Faure", "julien.faure@example.org", "Université de Lille", "archivist", False),
        ],
        "budget": [
            ("staff", "Contrat d'archiviste (quatre mois)", "12500", "2000"),
            ("equipment", "Disque de stockage pour les extractions", "800", "0"),
        ],
        "screening": {"met": [True, True, True]},
        "reviews": {
            "expert1@example.org": {
                "scores": [
                    ("2", "L'intérêt est réel, mais la question de recherche n'est pas posée."),
                    ("2", "Le chercheur n'intervient qu'au début du projet."),
                    (
                        "1.5",
                        "Le périmètre (tous les titres depuis 2000) est irréaliste en six mois.",
                    ),
                    ("3", "Les notices suivront les formats standard."),
                ],
                "comment_for_applicant": (
                    "Le corpus serait utile, mais le projet tient davantage du signalement que "
                    "de la preuve de concept attendue par l'incubateur. La sélection des titres "
                    "et la place de la recherche dans le calendrier restent à définir."
                ),
                "confidential_comment": "Plutôt un projet pour l'AAP Numérisation enrichie.",
                "recommendation": "reject",
            },
        },
        "pending": ["expert2@example.org"],
        "reply": (
            "Le rapport indique que le chercheur n'intervient qu'au début du projet : Camille "
            "Roussel est associée aux six mois du projet (voir le calendrier de la section 2), "
            "pour la sélection des titres puis l'analyse des jeux d'articles."
        ),
    },
    {
        "lead": "ines.moreau@example.org",
        "title": "Vingt ans de médiation numérique des musées : les sites de collections "
        "dans les archives du web",
        "keywords": "archives du web, musées, médiation numérique, IIIF",
        "disciplines": ["histoire-art", "humanites-numeriques"],
        "submitted_days": 2,
        "answers": {
            "acronym": "MUSEWEB",
            "abstract": (
                "Les musées ont publié en ligne leurs collections sous des formes successives : "
                "galeries d'images, bases de données, visionneuses IIIF. Le projet étudie ces "
                "formes à partir des archives du web, sur un échantillon de vingt musées, et "
                "publie une chronologie illustrée et un jeu de données des dispositifs repérés."
            ),
            "discipline": "Pluridisciplinaire",
            "start_date_in_days": 75,
            "duration": 6,
            "team": (
                "Inès Moreau, maîtresse de conférences en histoire de l'art (Université Toulouse "
                "- Jean Jaurès), porte le projet. Thomas Keller, bibliothécaire chargé des "
                "collections numériques (Université de Strasbourg), conduit les extractions."
            ),
        },
        "team": [
            (
                "Inès Moreau",
                "ines.moreau@example.org",
                "Université Toulouse - Jean Jaurès",
                "researcher",
                True,
            ),
            (
                "Thomas Keller",
                "thomas.keller@example.org",
                "Université de Strasbourg",
                "documentation_professional",
                False,
            ),
        ],
        "budget": [
            ("staff", "Stage de master (six mois)", "3900", "0"),
            ("travel", "Missions dans deux musées partenaires", "1800", "500"),
        ],
        "screening": {"met": [True, True, True]},
        # expert2 comes from the University of Strasbourg, like a team member (a row, not an
        # account that joined): the team's claim, confirmed by the manager, keeps expert2 away.
        "drafts": {
            "expert1@example.org": {
                "scores": [
                    ("4", "Sujet neuf, échantillon bien choisi."),
                    ("3.5", ""),
                    ("", ""),
                    ("", ""),
                ],
                "comment_for_applicant": "",
                "confidential_comment": "",
                "recommendation": "",
            },
        },
    },
    {
        "lead": "hugo.lambert@example.org",
        "title": "Tracts et affiches des mouvements étudiants (1968-1986) : numériser et décrire",
        "keywords": "tracts, affiches, numérisation, mouvements étudiants",
        "disciplines": ["histoire"],
        "submitted_days": 1,
        "answers": {
            "acronym": "TRACTS68",
            "abstract": (
                "La BULAC conserve un fonds de près de 3 000 tracts et affiches des mouvements "
                "étudiants. Le projet les numérise, les décrit et les publie dans une "
                "bibliothèque numérique, avec une exposition virtuelle."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 90,
            "duration": 12,
            "team": (
                "Hugo Lambert, conservateur (BULAC), porte le projet. Sarah Cohen, historienne "
                "(Université Paris Cité), conseille la description."
            ),
        },
        "team": [
            (
                "Hugo Lambert",
                "hugo.lambert@example.org",
                "Bibliothèque universitaire des langues et civilisations",
                "documentation_professional",
                True,
            ),
            (
                "Sarah Cohen",
                "sarah.cohen@example.org",
                "Université Paris Cité",
                "researcher",
                False,
            ),
        ],
        "budget": [("services", "Numérisation par un prestataire", "18000", "4000")],
        "screening": {
            "met": [True, False, True],
            "reason": (
                "Le projet numérise des documents imprimés et ne s'appuie sur aucune archive du "
                "web ni sur une collecte documentée, ce que l'incubateur exige. Il pourrait être "
                "présenté à l'AAP Numérisation enrichie."
            ),
        },
    },
]
