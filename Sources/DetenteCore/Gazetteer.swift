/// Given names and surnames from many cultures, the everyday words that are also names, and
/// the vocabulary of DevOps work that must never be mistaken for a person.
enum Gazetteer {
    static let givenNames: Set<String> = Set(GazetteerData.givenNames.split(separator: " ").map(String.init))
    static let familyNames: Set<String> = Set(GazetteerData.familyNames.split(separator: " ").map(String.init))
    static let ambiguousNames: Set<String> = Set(GazetteerData.ambiguousNames.split(separator: " ").map(String.init))
    static let commonWords: Set<String> = Set(GazetteerData.commonWords.split(separator: " ").map(String.init))

    /// Tools, products, platforms and team words: capitalised like names, never people.
    static let workVocabulary: Set<String> = [
        "jenkins", "grafana", "terraform", "pagerduty", "kafka", "consul", "nomad", "vault", "harbor", "backstage", "sentry",
        "travis", "cassandra", "ruby", "hugo", "ansible", "puppet", "chef", "salt", "saltstack", "kubernetes", "docker", "helm",
        "prometheus", "splunk", "datadog", "nagios", "zabbix", "opsgenie", "servicenow", "jira", "confluence", "slack", "teams",
        "github", "gitlab", "bitbucket", "argo", "argocd", "flux", "spinnaker", "bamboo", "teamcity", "circleci", "packer",
        "vagrant", "openshift", "rancher", "istio", "envoy", "nginx", "apache", "tomcat", "jetty", "postgres", "postgresql",
        "mysql", "mariadb", "oracle", "redis", "mongo", "mongodb", "elastic", "elasticsearch", "kibana", "logstash", "loki",
        "tempo", "jaeger", "zipkin", "wazuh", "crowdstrike", "okta", "azure", "aws", "gcp", "heroku", "linux", "windows",
        "ubuntu", "debian", "redhat", "rhel", "centos", "java", "python", "go", "golang", "rust", "node", "react", "angular",
        "vue", "django", "rails", "spring", "kotlin", "swift", "scala", "perl", "php", "bash", "powershell", "excel", "word",
        "sharepoint", "outlook", "zoom", "webex", "miro", "trello", "asana", "notion", "figma", "sonar", "sonarqube", "snyk",
        "trivy", "nexus", "artifactory", "quay", "celery", "rabbitmq", "nats", "zookeeper", "hadoop", "spark", "airflow",
        "dbt", "snowflake", "bigquery", "redshift", "tableau", "looker", "metabase", "superset", "cloudflare", "akamai",
        "fastly", "vercel", "netlify", "citrix", "vmware", "vsphere", "proxmox", "hyper-v", "veeam", "commvault", "rubrik",
        "netbox", "icinga", "graylog", "fluentd", "fluentbit", "vector", "thanos", "cortex", "mimir", "pyroscope", "honeycomb",
        "newrelic", "dynatrace", "appdynamics", "statuspage", "victorops", "rundeck", "octopus", "harness", "codefresh",
        "buildkite", "drone", "tekton", "keycloak", "ldap", "kerberos", "opsview", "checkmk", "librenms", "solarwinds",
        "dev", "devs", "ops", "dba", "dbas", "sre", "sres", "cab", "soc", "noc", "qa", "it", "hr", "devops", "secops", "finops",
        "itil", "sox", "gdpr", "hipaa", "pci", "iso", "cto", "ceo", "cio", "ciso", "vp", "api", "ui", "ux", "ci", "cd",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
        "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "christmas", "easter", "diwali", "ramadan", "eid", "hanukkah", "thanksgiving", "lumières", "lumieres", "fête", "fete",
        "google", "microsoft", "amazon", "apple", "meta", "ibm", "cisco", "juniper", "fortinet", "palo", "alto", "dell", "hp",
        "lenovo", "intel", "nvidia", "samsung", "sony", "xbox", "playstation", "nintendo", "steam", "unity", "unreal",
        "chromium", "chrome", "firefox", "safari", "edge", "android", "ios", "macos", "opsgenie", "matrix", "element",
        "mattermost", "discord", "signal", "whatsapp", "telegram", "teams", "gmail", "office", "wiki", "kanban", "scrum",
        "agile", "lean", "safe", "prince", "cobol", "mainframe", "as400", "sap", "salesforce", "workday", "oracle",
    ]

    /// Words after a name-like token that show it names a thing, not a person ("Travis CI").
    static let thingContinuations: Set<String> = [
        "ci", "cd", "cluster", "clusters", "scripts", "script", "docs", "site", "server", "servers", "database", "db", "job", "jobs",
        "pipeline", "pipelines", "build", "builds", "node", "nodes", "instance", "instances", "plugin", "plugins", "api", "app",
        "service", "services", "broker", "brokers", "queue", "dashboard", "dashboards", "release", "version", "cli", "sdk",
        "agent", "agents", "runner", "runners", "container", "containers", "image", "images", "stack", "project", "repo",
        "module", "modules", "gem", "gems", "library", "framework", "tool", "tools", "config", "configuration", "feature",
        "features", "requests", "request", "team", "squad", "room", "city", "street", "road", "station", "airport", "hospital",
        "university", "bridge", "valley", "square", "district", "depot", "office", "campus", "building", "ward", "park",
        "on-call", "rota", "schedule", "channel", "board", "process", "window", "freeze", "deploy", "deploys", "theme", "tickets",
    ]

    /// Words after a run of capitalised words that make it a place or event, not a person.
    static let placeWords: Set<String> = ["city", "town", "street", "st", "road", "rd", "avenue", "ave", "square", "station", "airport",
                                          "bridge", "county", "district", "province", "state", "island", "islands", "port", "harbour",
                                          "harbor", "university", "college", "hospital", "museum", "lumieres", "lumières", "festival", "valley"]

    static let particles: Set<String> = ["de", "la", "le", "del", "della", "der", "den", "van", "von", "da", "di", "du", "dos", "das",
                                         "ter", "ten", "bin", "ibn", "al", "el", "ap", "ab", "mac", "st"]
    static let honorifics: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "frau", "herr", "mme", "madame", "monsieur",
                                          "señor", "senor", "señora", "senora", "sr", "sra", "anh", "chị", "chi", "em", "cô", "co", "chú",
                                          "bác", "bac", "sir", "dame", "signor", "signora", "dott", "ing", "mevrouw", "meneer", "pan", "pani"]
    static let honorificSuffixes = ["-san", "-sama", "-kun", "-chan", "-sensei", "-ji", "-ssi", "-nim"]

    /// Nicknames and diminutives in common use (both directions are checked).
    static let diminutives: [String: [String]] = [
        "william": ["bill", "will", "billy", "liam", "willy"], "robert": ["bob", "rob", "bobby", "robbie", "bert"],
        "james": ["jim", "jimmy", "jamie"], "elizabeth": ["liz", "beth", "lizzie", "betty", "eliza"], "katherine": ["kate", "kat", "katie", "kathy"],
        "catherine": ["cathy", "cat", "kate"], "margaret": ["maggie", "meg", "peggy", "marge"], "richard": ["rick", "dick", "richie", "rich"],
        "alexander": ["alex", "sasha", "xander", "sandy"], "alexandra": ["alex", "sasha", "sandra"], "michael": ["mike", "mick", "mikey", "micha"],
        "thomas": ["tom", "tommy"], "jonathan": ["jon", "jonny"], "john": ["jack", "johnny"], "joseph": ["joe", "joey", "jo", "pepe"],
        "benjamin": ["ben", "benji"], "christopher": ["chris", "kit"], "christine": ["chris", "tina"], "daniel": ["dan", "danny"],
        "david": ["dave", "davey"], "edward": ["ed", "eddie", "ted", "ned"], "patricia": ["pat", "patty", "trish"], "patrick": ["pat", "paddy"],
        "nicholas": ["nick", "nico"], "nicolas": ["nico", "nick"], "samuel": ["sam", "sammy"], "samantha": ["sam", "sammy"],
        "anthony": ["tony"], "antonio": ["toni", "tonio", "toño"], "francisco": ["paco", "pancho", "cisco"], "guadalupe": ["lupe", "lupita"],
        "dimitrios": ["dimi", "jim", "mitsos", "takis"], "konstantinos": ["kostas", "dinos"], "giuseppe": ["beppe", "pino"],
        "aleksandr": ["sasha", "sanya"], "ekaterina": ["katya", "katia"], "vladimir": ["vova", "volodya"], "dmitry": ["dima"],
        "mikhail": ["misha"], "natalia": ["natasha", "nata"], "elena": ["lena"], "maria": ["masha", "mary", "mia"],
        "johannes": ["hans", "jo"], "wolfgang": ["wolf"], "friedrich": ["fritz"], "francesca": ["fran", "chesca"],
        "jennifer": ["jen", "jenny"], "jessica": ["jess", "jessie"], "rebecca": ["becky", "becca"], "victoria": ["vicky", "tori"],
        "frederick": ["fred", "freddie"], "henry": ["harry", "hank"], "charles": ["charlie", "chuck"], "charlotte": ["lottie", "charlie"],
        "matthew": ["matt"], "andrew": ["andy", "drew"], "steven": ["steve"], "stephen": ["steve"], "timothy": ["tim"],
        "gregory": ["greg"], "zachary": ["zach", "zack"], "oluwaseun": ["seun"], "oluwadamilare": ["dami"], "babatunde": ["tunde"],
        "olumide": ["mide"], "chukwuemeka": ["emeka"], "kavitha": ["kavi"], "venkatesh": ["venky"], "subramanian": ["subbu"],
        "siobhan": ["shiv"], "bartholomew": ["bart"], "maximilian": ["max"], "sebastian": ["seb", "basti"], "tobias": ["tobi"],
    ]

    /// Lowercase, accents removed, a few letters spelled out: "Zsófia" → "zsofia", "Øyvind" → "oyvind".
    static func fold(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.lowercased().unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "ß": out += "ss"
            case "ø": out += "o"
            case "æ": out += "ae"
            case "œ": out += "oe"
            case "đ", "ð": out += "d"
            case "ł": out += "l"
            case "ı": out += "i"
            case "þ": out += "th"
            case "’": out += "'"
            default:
                if (0x0300...0x036F).contains(scalar.value) { continue }  // combining marks of decomposed input
                out.unicodeScalars.append(foldMap[scalar] ?? scalar)
            }
        }
        return out
    }

    static func isName(_ folded: String) -> Bool { givenNames.contains(folded) || familyNames.contains(folded) }
    static func isWorkWord(_ folded: String) -> Bool { workVocabulary.contains(folded) }

    /// "tpennington", "hmarchetti", "robin-achterberg-3b1a", "tahmidrahman": a user name built from a person's name.
    static func looksLikePersonHandle(_ raw: String) -> Bool {
        let s = fold(raw)
        let parts = s.split(whereSeparator: { !$0.isLetter }).map(String.init).filter { $0.count >= 2 }
        if parts.contains(where: { isName($0) && !commonWords.contains($0) && !isWorkWord($0) }) { return true }
        if s.count >= 5, s.allSatisfy(\.isLetter) {
            // An initial plus a surname, or a surname plus an initial.
            if familyNames.contains(String(s.dropFirst())) || familyNames.contains(String(s.dropLast())) { return true }
            return looksLikeFullNameLabel(s)
        }
        return false
    }

    /// A given name and a surname run together: "tahmidrahman".
    static func looksLikeFullNameLabel(_ raw: String) -> Bool {
        let s = Array(fold(raw))
        guard s.count >= 7, s.count <= 30, s.allSatisfy(\.isLetter) else { return false }
        for cut in 3...(s.count - 3) {
            let a = String(s[..<cut]), b = String(s[cut...])
            if givenNames.contains(a), familyNames.contains(b) || givenNames.contains(b), !commonWords.contains(a) || !commonWords.contains(b) {
                return true
            }
        }
        return false
    }
}

extension Gazetteer {
    /// Latin letters with diacritics → base letter: Latin-1, Latin Extended-A and Vietnamese.
    static let foldMap: [Unicode.Scalar: Unicode.Scalar] = {
        let table: [(String, Unicode.Scalar)] = [
            ("àáâãäåāăąǎạảấầẩẫậắằẳẵặ", "a"), ("çćĉċč", "c"), ("ď", "d"), ("èéêëēĕėęěẹẻẽếềểễệ", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
            ("ìíîïĩīĭįǐỉị", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀ", "l"), ("ñńņňŉ", "n"), ("òóôõöōŏőǒơọỏốồổỗộớờởỡợ", "o"),
            ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűųǔưụủứừửữự", "u"), ("ŵ", "w"), ("ýÿŷỳỵỷỹ", "y"), ("źżž", "z"),
        ]
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (letters, base) in table { for l in letters.unicodeScalars { map[l] = base } }
        return map
    }()
}
