"""Decisions in the demo: the budget envelopes of each programme for this year and the previous
one, and last year's edition of the enriched digitisation call played to the end through the
services that applicants, staff, reviewers and the councils use: seven applications submitted,
screened, reviewed twice, a consensus report each, ranked; the scientific council's proposals
and the members' council's decisions taken from the ranking (funded within the call's envelope,
the next two on the reserve list, the others rejected); the decision letters sent.

Each step is played once: the applications when the call has none, the decisions when none is
recorded, the letters for decisions that have none for their outcome. A second run changes
nothing. Dates follow the loading day, as the calls' dates do: the call closed four months ago,
the scientific council met six weeks ago and the members' council three weeks ago; the letters
go out when the demo is loaded.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import Discipline, User
from accounts.roles import Role
from calls.models import Call
from decisions import letters
from decisions.budget import call_budget
from decisions.models import Body, Decision, Envelope, Letter, Outcome
from decisions.services import record_decision, record_proposal
from reviews.assignments import accept_assignment, assign_reviewer
from reviews.deliberation import save_consensus, set_rapporteur
from reviews.eligibility import screen_application
from reviews.models import ReviewerProfile
from reviews.ranking import call_ranking
from reviews.reviewing import submit_review
from reviews.scoring import format_score

from .facts import PARIS, paris_day_at
from .people import load_demo_users
from .review import apply, review_data, save_review_settings

DECIDED_CALL = "aap-numerisation-enrichie-2026"
MANAGER = "gestion@example.org"
# Places on the reserve list after the last funded application.
RESERVE_PLACES = 2

# The story, in days relative to the loading day (the call closes 120 days before it).
ASSIGNED_IN_DAYS = -114
REVIEWS_DUE_IN_DAYS = -80
CONSENSUS_IN_DAYS = -55
SCIENTIFIC_COUNCIL_IN_DAYS = -45
MEMBERS_COUNCIL_IN_DAYS = -20

CALL_SETTINGS = {
    "reviewers_per_application": 2,
    "half_points": True,
    "total_threshold": "10",
    "disagreement_gap": "4",
}
ELIGIBILITY_CHECKS = [
    {
        "fr": "L'équipe réunit au moins un chercheur et un professionnel de la documentation.",
        "en": "The team includes at least one researcher and one documentation professional.",
    },
    {
        "fr": "Les documents sont libres de droits ou leur diffusion est autorisée.",
        "en": "The documents are out of copyright or their publication is authorised.",
    },
    {
        "fr": "La lettre de soutien de l'établissement est jointe et signée.",
        "en": "The institution's signed support letter is attached.",
    },
]
# What every funded project of the call commits to (the call's rules), before its own conditions.
CONDITIONS = (
    "Rapport d'étape à six mois et rapport final à l'échéance du projet. Données produites "
    "déposées sous Licence Ouverte 2.0 et versées dans la collection numérique conservée par "
    "Persée."
)

# Leads of the decided call who are not demo accounts, and a third reviewer: created quietly,
# like demo/dossiers.py's EXTRA_APPLICANTS.
DECIDED_PEOPLE = [
    {
        "email": "louise.girard@example.org",
        "first_name": "Louise",
        "last_name": "Girard",
        "role": None,
        "institution": "Muséum national d'Histoire naturelle",
    },
    {
        "email": "yasmina.haddad@example.org",
        "first_name": "Yasmina",
        "last_name": "Haddad",
        "role": None,
        "institution": "Bibliothèque universitaire des langues et civilisations",
    },
    {
        "email": "marc.schneider@example.org",
        "first_name": "Marc",
        "last_name": "Schneider",
        "role": None,
        "institution": "Université de Strasbourg",
        "language": "en",
    },
    {
        "email": "antoine.mercier@example.org",
        "first_name": "Antoine",
        "last_name": "Mercier",
        "role": None,
        "institution": "Université Paris Cité",
    },
    {
        "email": "lucie.fabre@example.org",
        "first_name": "Lucie",
        "last_name": "Fabre",
        "role": None,
        "institution": "Université Toulouse - Jean Jaurès",
    },
    {
        "email": "mathilde.roux@example.org",
        "first_name": "Mathilde",
        "last_name": "Roux",
        "role": Role.REVIEWER,
        "institution": "Université de Lille",
    },
]
DECIDED_REVIEWER_PROFILES = {
    "mathilde.roux@example.org": {
        "kind": "external",
        "disciplines": ["histoire-art", "geographie", "histoire"],
        "keywords": "photographie, cartes anciennes, plaques de verre, numérisation, métadonnées",
        "languages": ["fr", "en"],
        "max_load": 4,
    },
}

E1, E2, E3 = "expert1@example.org", "expert2@example.org", "mathilde.roux@example.org"

# The applications, in the order they were submitted; keys as in demo/dossiers.py. Scores in
# the order of the call's criteria (quality 3, co-construction 2, feasibility 2, reuse 1; 0-5,
# half points). No reviewer reviews a team of their own institution (expert1: CNRS, expert2:
# Strasbourg, Mathilde Roux: Lille). `proposal`: what the scientific council changes to the
# request, when it does.
DECIDED_APPLICATIONS = [
    {
        "lead": "louise.girard@example.org",
        "title": "Carnets de terrain des naturalistes du Muséum (1830-1930) : numériser, "
        "transcrire, relier aux spécimens",
        "keywords": "carnets de terrain, histoire naturelle, transcription, numérisation",
        "disciplines": ["histoire-sciences", "humanites-numeriques"],
        "submitted_days": 12,
        "answers": {
            "acronym": "CARNETS-MNHN",
            "abstract": (
                "La bibliothèque centrale du Muséum conserve plus de 400 carnets de terrain "
                "tenus par ses naturalistes lors de leurs expéditions, de 1830 à 1930. Le projet "
                "les numérise, en fait transcrire les pages par une communauté de bénévoles "
                "encadrée par l'équipe et relie chaque mention d'un spécimen à sa fiche dans les "
                "collections. Images, transcriptions et liens sont publiés sous licence ouverte."
            ),
            "discipline": "Pluridisciplinaire",
            "start_date_in_days": 150,
            "duration": 18,
            "team": (
                "Louise Girard, responsable des fonds anciens de la bibliothèque centrale du "
                "Muséum, porte le projet. Bastien Morel, historien des sciences au Muséum, "
                "conduit l'analyse des carnets. Clara Vidal, maîtresse de conférences (Sorbonne "
                "Université), encadre la transcription participative."
            ),
        },
        "team": [
            (
                "Louise Girard",
                "louise.girard@example.org",
                "Muséum national d'Histoire naturelle",
                "documentation_professional",
                True,
            ),
            (
                "Bastien Morel",
                "bastien.morel@example.org",
                "Muséum national d'Histoire naturelle",
                "researcher",
                False,
            ),
            ("Clara Vidal", "clara.vidal@example.org", "Sorbonne Université", "researcher", False),
        ],
        "budget": [
            ("staff", "Chargés de numérisation et de transcription (dix mois)", "34000", "8000"),
            ("services", "Numérisation haute définition des carnets (prestataire)", "19800", "0"),
            ("equipment", "Statif de reproduction et éclairage", "3400", "0"),
            ("travel", "Réunions de l'équipe et journée d'étude du réseau", "1200", "0"),
        ],
        "reviews": {
            E1: {
                "scores": [("5", ""), ("4.5", ""), ("4", ""), ("4.5", "")],
                "comment_for_applicant": (
                    "Un corpus exceptionnel et peu connu, une méthode éprouvée. Le lien avec les "
                    "spécimens donne au projet une portée qui dépasse l'histoire des sciences."
                ),
                "confidential_comment": "À financer en priorité.",
                "recommendation": "fund",
            },
            E2: {
                "scores": [("4", ""), ("4", ""), ("3.5", ""), ("4", "")],
                "comment_for_applicant": (
                    "Projet solide. La transcription participative demande un encadrement "
                    "suivi : précisez le temps que l'équipe y consacrera."
                ),
                "confidential_comment": "",
                "recommendation": "fund",
            },
        },
        "consensus": {
            "rapporteur": E1,
            "scores": [("4.5", ""), ("4.5", ""), ("4", ""), ("4.5", "")],
            "majority_view": (
                "Corpus exceptionnel, équipe qui associe dès le départ bibliothécaires et "
                "historiens, résultats réutilisables. Financement recommandé."
            ),
            "comment_for_applicant": (
                "Le conseil recommande le financement. Il invite l'équipe à préciser "
                "l'encadrement de la transcription participative et le calendrier de mise en "
                "ligne des transcriptions."
            ),
            "recommendation": "fund",
        },
    },
    {
        "lead": "porteuse@example.org",
        "title": "Cours et cahiers de laboratoire de la Faculté des sciences de Paris (1880-1940)",
        "keywords": "cahiers de laboratoire, enseignement des sciences, TEI, numérisation",
        "disciplines": ["histoire-sciences"],
        "submitted_days": 9,
        "answers": {
            "acronym": "LABOSORB",
            "abstract": (
                "Les bibliothèques de Sorbonne Université conservent les cours polycopiés et des "
                "cahiers de laboratoire de la Faculté des sciences de Paris. Le projet numérise "
                "un ensemble de 900 documents, encode en TEI les cours les plus cités et publie "
                "une édition numérique qui permet de suivre l'évolution de l'enseignement de la "
                "physique et de la chimie sur soixante ans."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 150,
            "duration": 12,
            "team": (
                "Paule Porteuse, maîtresse de conférences en histoire des sciences (Sorbonne "
                "Université), porte le projet. Hélène Dubois, conservatrice à la bibliothèque "
                "de Sorbonne Université, dirige la numérisation. Romain Petit, ingénieur à "
                "Persée, accompagne l'encodage et la diffusion."
            ),
        },
        "team": [
            ("Paule Porteuse", "porteuse@example.org", "Sorbonne Université", "researcher", True),
            (
                "Hélène Dubois",
                "helene.dubois@example.org",
                "Sorbonne Université",
                "documentation_professional",
                False,
            ),
            ("Romain Petit", "romain.petit@example.org", "Persée", "other", False),
        ],
        "budget": [
            ("staff", "Ingénieur d'études pour l'encodage TEI (douze mois)", "38000", "6000"),
            ("services", "Numérisation des cahiers et des cours polycopiés", "14500", "0"),
            ("travel", "Consultation de fonds complémentaires et journée d'étude", "1500", "0"),
        ],
        "reviews": {
            E1: {
                "scores": [("4.5", ""), ("4", ""), ("4.5", ""), ("4", "")],
                "comment_for_applicant": (
                    "Un corpus de référence pour l'histoire de l'enseignement scientifique, un "
                    "calendrier réaliste et un partenariat avec Persée qui assure la diffusion."
                ),
                "confidential_comment": "",
                "recommendation": "fund",
            },
            E2: {
                "scores": [("4", ""), ("4", ""), ("3.5", ""), ("4", "")],
                "comment_for_applicant": (
                    "Projet bien construit. Le choix des cours encodés en TEI mériterait d'être "
                    "justifié plus précisément."
                ),
                "confidential_comment": "",
                "recommendation": "fund_with_changes",
            },
        },
        "consensus": {
            "rapporteur": E1,
            "scores": [("4.5", ""), ("4", ""), ("4", ""), ("4", "")],
            "majority_view": (
                "Corpus de référence, équipe équilibrée, diffusion assurée par Persée. "
                "Financement recommandé."
            ),
            "comment_for_applicant": (
                "Le conseil recommande le financement et demande que les critères de choix "
                "des cours encodés en TEI soient précisés au démarrage du projet."
            ),
            "recommendation": "fund",
        },
    },
    {
        "lead": "yasmina.haddad@example.org",
        "title": "Manuscrits ottomans de la BULAC : numérisation et signalement partagé",
        "keywords": "manuscrits, turc ottoman, catalogage, Calames, numérisation",
        "disciplines": ["lettres-langues", "histoire"],
        "submitted_days": 7,
        "answers": {
            "acronym": "OTTOMSS",
            "abstract": (
                "La BULAC conserve environ 350 manuscrits en turc ottoman, pour la plupart non "
                "catalogués. Le projet les décrit dans Calames avec l'Abes, numérise les 120 "
                "plus consultés et les diffuse dans la bibliothèque numérique de la BULAC. Une "
                "traduction française des notices est prévue pour les lecteurs non "
                "spécialistes."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 165,
            "duration": 18,
            "team": (
                "Yasmina Haddad, responsable des collections turques de la BULAC, porte le "
                "projet. Selim Karaca, maître de conférences en études ottomanes (Sorbonne "
                "Université), valide les descriptions. Agnès Fournier, coordinatrice du réseau "
                "Calames à l'Abes, accompagne le signalement."
            ),
        },
        "team": [
            (
                "Yasmina Haddad",
                "yasmina.haddad@example.org",
                "Bibliothèque universitaire des langues et civilisations",
                "documentation_professional",
                True,
            ),
            (
                "Selim Karaca",
                "selim.karaca@example.org",
                "Sorbonne Université",
                "researcher",
                False,
            ),
            (
                "Agnès Fournier",
                "agnes.fournier@example.org",
                "Abes",
                "documentation_professional",
                False,
            ),
        ],
        "budget": [
            ("staff", "Catalogueur spécialiste du turc ottoman (dix mois)", "31000", "5000"),
            ("services", "Numérisation de 120 manuscrits", "21500", "0"),
            ("other", "Traduction française des notices", "7000", "0"),
        ],
        "reviews": {
            E1: {
                "scores": [("4", ""), ("4.5", ""), ("3", ""), ("4.5", "")],
                "comment_for_applicant": (
                    "Un fonds rare, enfin signalé. La traduction des notices sort de l'objet de "
                    "l'appel et alourdit le calendrier."
                ),
                "confidential_comment": "Financer sans le volet traduction.",
                "recommendation": "fund_with_changes",
            },
            E2: {
                "scores": [("4.5", ""), ("4", ""), ("3.5", ""), ("4", "")],
                "comment_for_applicant": (
                    "Le signalement dans Calames est exemplaire du travail en réseau attendu. "
                    "Le nombre de manuscrits numérisés pourrait être précisé par priorité."
                ),
                "confidential_comment": "",
                "recommendation": "fund",
            },
        },
        "consensus": {
            "rapporteur": E1,
            "scores": [("4", ""), ("4", ""), ("3.5", ""), ("4.5", "")],
            "majority_view": (
                "Fonds rare et peu accessible ; signalement partagé avec l'Abes. La traduction "
                "des notices n'entre pas dans l'objet de l'appel."
            ),
            "comment_for_applicant": (
                "Le conseil recommande le financement du catalogage et de la numérisation. La "
                "traduction française des notices n'entre pas dans l'objet de l'appel et n'est "
                "pas retenue."
            ),
            "recommendation": "fund_with_changes",
        },
        "proposal": {
            "amount": "52500",
            "note": "La traduction des notices (7 000 €) n'est pas retenue.",
            "conditions": "Le volet traduction est retiré du programme de travail.",
        },
    },
    {
        "lead": "marc.schneider@example.org",
        "title": "Cartes et plans de la collection géographique de l'Université de Strasbourg "
        "(XVIe-XIXe siècles)",
        "keywords": "cartes anciennes, géoréférencement, IIIF, numérisation",
        "disciplines": ["geographie", "histoire"],
        "submitted_days": 5,
        "answers": {
            "acronym": "CARTOSTRA",
            "abstract": (
                "La collection géographique de l'Université de Strasbourg réunit 2 500 cartes et "
                "plans anciens, dont une part sur la vallée du Rhin. Le projet numérise les 600 "
                "documents les plus demandés, les géoréférence et les publie en IIIF, avec une "
                "interface qui superpose les cartes anciennes aux cartes actuelles."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 140,
            "duration": 15,
            "team": (
                "Marc Schneider, maître de conférences en géographie historique (Université de "
                "Strasbourg), porte le projet. Julie Klein, responsable de la cartothèque, "
                "conduit la numérisation et la description."
            ),
        },
        "team": [
            (
                "Marc Schneider",
                "marc.schneider@example.org",
                "Université de Strasbourg",
                "researcher",
                True,
            ),
            (
                "Julie Klein",
                "julie.klein@example.org",
                "Université de Strasbourg",
                "documentation_professional",
                False,
            ),
        ],
        "budget": [
            ("services", "Numérisation des cartes grand format", "26000", "0"),
            ("staff", "Géoréférencement et description (huit mois)", "19800", "4000"),
            ("travel", "Présentation aux journées du réseau", "1800", "0"),
        ],
        "reviews": {
            E1: {
                "scores": [("4", ""), ("3.5", ""), ("4", ""), ("3", "")],
                "comment_for_applicant": (
                    "Un fonds cartographique de grand intérêt et un projet réaliste. Les licences "
                    "des images et des données de géoréférencement doivent être précisées."
                ),
                "confidential_comment": "",
                "recommendation": "fund_with_changes",
            },
            E3: {
                "scores": [("4", ""), ("4", ""), ("3.5", ""), ("4", "")],
                "comment_for_applicant": (
                    "Le géoréférencement ouvre des usages nouveaux. Prévoir un contrôle qualité "
                    "des points de calage."
                ),
                "confidential_comment": "",
                "recommendation": "fund",
            },
        },
        "consensus": {
            "rapporteur": E1,
            "scores": [("4", ""), ("3.5", ""), ("4", ""), ("3.5", "")],
            "majority_view": "Projet réaliste sur un fonds très demandé. Financement recommandé.",
            "comment_for_applicant": (
                "Le conseil recommande le financement et demande que les images et les données "
                "de géoréférencement soient diffusées sous licence ouverte."
            ),
            "recommendation": "fund_with_changes",
        },
    },
    {
        "lead": "porteur@example.org",
        "title": "La presse ouvrière du bassin minier du Nord-Pas-de-Calais (1880-1939)",
        "keywords": "presse ancienne, mouvement ouvrier, OCR, numérisation",
        "disciplines": ["histoire", "sciences-information"],
        "submitted_days": 3,
        "answers": {
            "acronym": "PRESSMINE",
            "abstract": (
                "Les journaux syndicaux et coopératifs du bassin minier sont dispersés et "
                "fragiles. Le projet rassemble les collections de la bibliothèque universitaire "
                "de Lille et de deux centres d'archives, numérise 38 000 pages, corrige "
                "l'océrisation des titres principaux et publie le corpus pour la fouille de "
                "textes."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 150,
            "duration": 12,
            "team": (
                "Pierre Porteur, conservateur à la bibliothèque universitaire de Lille, porte le "
                "projet. Camille Roussel, maîtresse de conférences en histoire contemporaine "
                "(Université de Lille), choisit les titres et conduit l'analyse."
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
        ],
        "budget": [
            ("services", "Numérisation et océrisation de 38 000 pages", "30400", "0"),
            ("staff", "Correction de l'OCR et métadonnées (huit mois)", "21200", "3000"),
            ("travel", "Missions dans les centres d'archives partenaires", "1200", "0"),
        ],
        "reviews": {
            E1: {
                "scores": [("3.5", ""), ("4", ""), ("3", ""), ("3.5", "")],
                "comment_for_applicant": (
                    "Un corpus utile et menacé. La correction de l'OCR sur 38 000 pages paraît "
                    "ambitieuse en huit mois."
                ),
                "confidential_comment": "",
                "recommendation": "reserve",
            },
            E2: {
                "scores": [("4", ""), ("4", ""), ("3.5", ""), ("3", "")],
                "comment_for_applicant": (
                    "Projet bien ancré dans la recherche locale. Le dépôt des données n'est pas "
                    "encore décrit."
                ),
                "confidential_comment": "",
                "recommendation": "fund_with_changes",
            },
        },
        "consensus": {
            "rapporteur": E1,
            "scores": [("3.5", ""), ("4", ""), ("3.5", ""), ("3.5", "")],
            "majority_view": (
                "Corpus menacé, équipe équilibrée ; calendrier de correction ambitieux."
            ),
            "comment_for_applicant": (
                "Le conseil juge le projet finançable. Il recommande de limiter la correction "
                "de l'OCR aux titres principaux et de décrire le dépôt des données."
            ),
            "recommendation": "fund_with_changes",
        },
    },
    {
        "lead": "antoine.mercier@example.org",
        "title": "Les thèses de médecine de la Faculté de Paris (1800-1850) : texte intégral "
        "et index des auteurs",
        "keywords": "thèses de médecine, histoire de la médecine, OCR, index",
        "disciplines": ["histoire-sciences", "humanites-numeriques"],
        "submitted_days": 2,
        "answers": {
            "acronym": "THESMED",
            "abstract": (
                "Les thèses soutenues à la Faculté de médecine de Paris entre 1800 et 1850 sont "
                "numérisées en mode image mais illisibles par les machines. Le projet corrige "
                "l'océrisation de 1 200 thèses, indexe leurs auteurs et leurs sujets et publie "
                "le texte intégral pour la recherche en histoire de la médecine."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 150,
            "duration": 12,
            "team": (
                "Antoine Mercier, conservateur à la bibliothèque de santé de l'Université Paris "
                "Cité, porte le projet. Sarah Cohen, historienne (Université Paris Cité), "
                "définit l'indexation. Olivier Marchand (INIST-CNRS) conseille l'extraction des "
                "entités."
            ),
        },
        "team": [
            (
                "Antoine Mercier",
                "antoine.mercier@example.org",
                "Université Paris Cité",
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
            ("Olivier Marchand", "olivier.marchand@example.org", "INIST-CNRS", "other", False),
        ],
        "budget": [
            ("services", "Océrisation corrigée de 1 200 thèses", "28000", "0"),
            ("staff", "Indexation des auteurs et des sujets (six mois)", "15000", "2500"),
            ("travel", "Réunions avec l'INIST-CNRS", "1200", "0"),
        ],
        "reviews": {
            E1: {
                "scores": [("3", ""), ("3", ""), ("3.5", ""), ("4", "")],
                "comment_for_applicant": (
                    "Un projet utile, mais la question de recherche reste implicite : à quelles "
                    "études l'index servira-t-il ?"
                ),
                "confidential_comment": "",
                "recommendation": "reserve",
            },
            E2: {
                "scores": [("4", ""), ("3", ""), ("3.5", ""), ("4", "")],
                "comment_for_applicant": (
                    "Le corpus est très demandé. Le rôle de la chercheuse dans le calendrier "
                    "gagnerait à être précisé."
                ),
                "confidential_comment": "",
                "recommendation": "fund_with_changes",
            },
        },
        "consensus": {
            "rapporteur": E1,
            "scores": [("3.5", ""), ("3", ""), ("3.5", ""), ("4", "")],
            "majority_view": "Corpus demandé ; problématique de recherche à préciser.",
            "comment_for_applicant": (
                "Le conseil reconnaît l'intérêt du corpus et invite l'équipe à préciser les "
                "usages de recherche de l'index et la place de la chercheuse dans le projet."
            ),
            "recommendation": "reserve",
        },
    },
    {
        "lead": "lucie.fabre@example.org",
        "title": "Plaques de verre d'un atelier photographique toulousain (1900-1960)",
        "keywords": "photographie, plaques de verre, numérisation, patrimoine local",
        "disciplines": ["histoire-art"],
        "submitted_days": 1,
        "answers": {
            "acronym": "PLAQUES31",
            "abstract": (
                "Un fonds de 6 000 plaques de verre d'un atelier de photographie toulousain a "
                "été déposé à l'université. Le projet les numérise, les reconditionne et en "
                "décrit une sélection pour une exposition en ligne."
            ),
            "discipline": "Sciences humaines et sociales",
            "start_date_in_days": 150,
            "duration": 10,
            "team": (
                "Lucie Fabre, maîtresse de conférences en histoire de l'art (Université Toulouse "
                "- Jean Jaurès), porte le projet. Nicolas Bernard, chargé des archives "
                "photographiques, conduit le reconditionnement."
            ),
        },
        "team": [
            (
                "Lucie Fabre",
                "lucie.fabre@example.org",
                "Université Toulouse - Jean Jaurès",
                "researcher",
                True,
            ),
            (
                "Nicolas Bernard",
                "nicolas.bernard@example.org",
                "Université Toulouse - Jean Jaurès",
                "archivist",
                False,
            ),
        ],
        "budget": [
            ("services", "Numérisation de 6 000 plaques de verre", "24000", "0"),
            ("staff", "Description des images (six mois)", "13400", "0"),
            ("equipment", "Boîtes de conservation", "1500", "0"),
        ],
        "reviews": {
            E1: {
                "scores": [("2.5", ""), ("2.5", ""), ("2", ""), ("3", "")],
                "comment_for_applicant": (
                    "Le fonds est intéressant, mais le projet ne pose pas de question de "
                    "recherche et les droits sur les images ne sont pas établis."
                ),
                "confidential_comment": "",
                "recommendation": "reject",
            },
            E3: {
                "scores": [("2", ""), ("2", ""), ("1.5", ""), ("2.5", "")],
                "comment_for_applicant": (
                    "La numérisation de 6 000 plaques en dix mois, avec le reconditionnement, "
                    "n'est pas réaliste avec les moyens demandés."
                ),
                "confidential_comment": "",
                "recommendation": "reject",
            },
        },
        "consensus": {
            "rapporteur": E1,
            "scores": [("2", ""), ("2.5", ""), ("1.5", ""), ("3", "")],
            "majority_view": "Projet patrimonial sans question de recherche ; droits non établis.",
            "comment_for_applicant": (
                "Le conseil ne recommande pas le financement : la question de recherche, les "
                "droits de diffusion des images et le calendrier sont à reprendre. Un projet "
                "resserré pourra être présenté à une prochaine édition."
            ),
            "recommendation": "reject",
        },
    },
]


# Envelopes


def load_envelopes(rows, programmes, now):
    """An Envelope for each programme (and the cross-programme calls) for the loading day's year
    and the previous one, found by programme and year and kept up to date."""
    year = timezone.localtime(now, PARIS).year
    existing = {(e.programme_id, e.year): e for e in Envelope.objects.all()}
    for row in rows:
        programme = programmes[row["programme"]] if row["programme"] else None
        for row_year, amount in ((year - 1, row["previous"]), (year, row["current"])):
            key = (getattr(programme, "pk", None), row_year)
            envelope = existing.get(key) or Envelope(programme=programme, year=row_year)
            values = (Decimal(amount), row.get("note", ""))
            if envelope.pk and (envelope.amount, envelope.note) == values:
                continue
            envelope.amount, envelope.note = values
            envelope.full_clean()
            envelope.save()


# The decided call


def load_decision_stage(facts, programmes, password_hash, now):
    """Envelopes, then the decided call: its review settings and, once each, its applications
    reviewed and ranked, the councils' proposals and decisions, the letters. Returns the call.
    Call inside transaction.atomic, after demo.review.load_review_stage (disciplines)."""
    load_envelopes(facts["envelopes"], programmes, now)
    load_demo_users(password_hash, DECIDED_PEOPLE)
    load_reviewer_profiles()
    call = Call.objects.get(slug=DECIDED_CALL)
    set_review_settings(call, now)
    people = {
        user.email: user
        for user in User.objects.filter(
            email__in={MANAGER, E1, E2, E3, *(dossier["lead"] for dossier in DECIDED_APPLICATIONS)}
        ).select_related("institution")
    }
    if not call.applications.exists():
        play_review(call, people, now)
    if not Decision.objects.filter(application__call=call).exclude(outcome="").exists():
        decide(call, people[MANAGER], now)
    send_letters(call, people[MANAGER])
    return call


def load_reviewer_profiles():
    disciplines = {discipline.code: discipline for discipline in Discipline.objects.all()}
    for email, facts in DECIDED_REVIEWER_PROFILES.items():
        profile, _created = ReviewerProfile.objects.update_or_create(
            user=User.objects.get(email=email),
            defaults={key: facts[key] for key in ("kind", "keywords", "languages", "max_load")},
        )
        profile.disciplines.set([disciplines[code] for code in facts["disciplines"]])


def set_review_settings(call, now):
    """What staff set in the admin before screening; no reply phase for this call."""
    save_review_settings(call, CALL_SETTINGS, ELIGIBILITY_CHECKS, REVIEWS_DUE_IN_DAYS, now)


def play_review(call, people, now):
    """Seven applications submitted before the deadline, all eligible, each reviewed by two
    reviewers without a conflict of interest and given a final consensus report."""
    disciplines = {discipline.code: discipline for discipline in Discipline.objects.all()}
    manager = people[MANAGER]
    applications = [
        apply(call, people[facts["lead"]], facts, disciplines) for facts in DECIDED_APPLICATIONS
    ]
    checks = list(call.eligibility_checks.values_list("pk", flat=True))
    criteria = list(call.criteria.all())
    assigned_at = paris_day_at(ASSIGNED_IN_DAYS, 10, now)
    for number, (application, facts) in enumerate(
        zip(applications, DECIDED_APPLICATIONS, strict=True)
    ):
        screen_application(application, manager, checks=dict.fromkeys(checks, True), eligible=True)
        for order, (email, review) in enumerate(facts["reviews"].items()):
            reviewer = people[email]
            assignment = assign_reviewer(application, reviewer, manager, now=assigned_at)
            accept_assignment(assignment, reviewer)
            submitted_at = assigned_at + dt.timedelta(days=14 + 2 * number + order, hours=6)
            submit_review(assignment, reviewer, review_data(review, criteria), now=submitted_at)
        consensus = facts["consensus"]
        set_rapporteur(application, people[consensus["rapporteur"]], manager)
        save_consensus(
            application,
            manager,
            review_data(consensus, criteria),
            finalise=True,
            now=paris_day_at(CONSENSUS_IN_DAYS, 16, now),
        )


def funding_plan(call, rows, proposed):
    """[(ranking row, outcome, amount)] from the ranking, best first: funded while the score
    passes the call's thresholds and the amount (the council's, else the request) fits what
    remains of the envelope; from the first that does not fit, RESERVE_PLACES on the reserve
    list; the others rejected."""
    remaining = call.envelope
    line_open = True
    reserve = 0
    plan = []
    for row in rows:
        amount = proposed.get(row.application.pk, row.application.requested)
        if row.failures or row.score is None:
            outcome = Outcome.REJECTED
        elif line_open and amount <= remaining:
            outcome = Outcome.FUNDED
            remaining -= amount
        elif reserve < RESERVE_PLACES:
            line_open = False
            outcome = Outcome.RESERVE
            reserve += 1
        else:
            outcome = Outcome.REJECTED
        plan.append((row, outcome, amount if outcome == Outcome.FUNDED else None))
    return plan


def decide(call, manager, now):
    """The scientific council proposes from the ranking; three weeks later the members' council
    follows its proposals. Staff record both, as the decisions pages do."""
    facts_by_lead = {facts["lead"]: facts for facts in DECIDED_APPLICATIONS}
    rows = call_ranking(call)
    proposals = {
        row.application.pk: facts_by_lead[row.application.lead.email].get("proposal", {})
        for row in rows
    }
    plan = funding_plan(
        call,
        rows,
        {pk: Decimal(p["amount"]) for pk, p in proposals.items() if p.get("amount")},
    )
    council = paris_day_at(SCIENTIFIC_COUNCIL_IN_DAYS, 17, now)
    members = paris_day_at(MEMBERS_COUNCIL_IN_DAYS, 17, now)
    reserve_rank = 0
    for row, outcome, amount in plan:
        proposal = proposals[row.application.pk]
        record_proposal(
            row.application,
            manager,
            outcome=outcome,
            amount=amount,
            motivation=join(motivation(call, row, outcome, len(rows)), proposal.get("note", "")),
            meeting_date=council.date(),
            now=council,
        )
    for row, outcome, amount in plan:
        proposal = proposals[row.application.pk]
        if outcome == Outcome.RESERVE:
            reserve_rank += 1
        record_decision(
            row.application,
            manager,
            outcome=outcome,
            body=Body.MEMBERS_COUNCIL,
            meeting_date=members.date(),
            amount=amount,
            conditions=join(CONDITIONS, proposal.get("conditions", ""))
            if outcome == Outcome.FUNDED
            else "",
            reserve_rank=reserve_rank if outcome == Outcome.RESERVE else None,
            motivation=join(
                motivation(call, row, outcome, len(rows)),
                "Le conseil des membres suit la proposition du conseil scientifique.",
            ),
            now=members,
        )


def motivation(call, row, outcome, count):
    """Why, in the words of the councils' minutes (in French, as staff write them); the letter
    says the rest (the amount, the rank on the reserve list)."""
    place = "1er" if row.rank == 1 else f"{row.rank}e"
    ranked = f"Projet classé {place} sur {count} ({french(row.score)}/20)."
    if outcome == Outcome.FUNDED:
        return f"{ranked} Financé dans la limite de l'enveloppe de l'appel."
    if outcome == Outcome.RESERVE:
        return f"{ranked} Projet de qualité, au-delà de ce que permet l'enveloppe de l'appel."
    threshold = call.total_threshold
    if row.failures and threshold is not None:
        return f"{ranked} Sous le seuil de {french(threshold)}/20 fixé par l'appel."
    return f"{ranked} Au-delà de la liste complémentaire."


def french(score):
    return format_score(score).replace(".", ",")


def join(*parts):
    return " ".join(part for part in parts if part)


def send_letters(call, manager):
    """The decision letter of each decided application that has none for its outcome yet."""
    return len(letters.send_letters(call, manager))


def decision_summary():
    """load_demo's report on the decided call and the envelopes."""
    call = Call.objects.get(slug=DECIDED_CALL)
    outcomes = dict(
        Decision.objects.filter(application__call=call)
        .values_list("outcome")
        .annotate(count=Count("pk"))
    )
    budget = call_budget(call)
    letters = Letter.objects.filter(decision__application__call=call).count()
    envelopes = Envelope.objects.aggregate(count=Count("pk"), total=Sum("amount"))
    return (
        f"Decided: {call.title_fr} ({call.get_absolute_url()}): "
        f"{outcomes.get(Outcome.FUNDED, 0)} funded ({budget.granted:,.0f} EUR of "
        f"{budget.envelope:,.0f}), {outcomes.get(Outcome.RESERVE, 0)} on the reserve list, "
        f"{outcomes.get(Outcome.REJECTED, 0)} rejected, {letters} letters sent; sign in as "
        "porteuse (funded) or porteur (reserve list) for the applicant's side. "
        f"{envelopes['count']} budget envelopes ({envelopes['total'] or 0:,.0f} EUR)."
    )
