import DetenteModel
/// Given names and surnames from many cultures, the everyday words that are also names, and
/// the vocabulary of DevOps work that must never be mistaken for a person.
enum Gazetteer {
    /// What a folded word can be; one word can be several ("grace": given name and everyday word).
    struct WordClass: OptionSet, Sendable {
        let rawValue: UInt32
        static let givenName = WordClass(rawValue: 1)
        static let familyName = WordClass(rawValue: 2)
        /// A name that is also an everyday word ("will", "bill", "grace").
        static let ambiguousName = WordClass(rawValue: 4)
        static let commonWord = WordClass(rawValue: 8)
        static let work = WordClass(rawValue: 16)
        // Context words around a name (lists in NameDetector and below).
        static let cueBefore = WordClass(rawValue: 32)
        static let cueAfter = WordClass(rawValue: 64)
        static let determiner = WordClass(rawValue: 128)
        static let thingContinuation = WordClass(rawValue: 256)
        static let honorific = WordClass(rawValue: 512)
        static let particle = WordClass(rawValue: 1024)
        static let placeWord = WordClass(rawValue: 2048)
        /// A town, city, state or country name (GeoNames).
        static let place = WordClass(rawValue: 4096)
        /// The first word of a place name of several words ("São Paulo", "La Paz").
        static let placePhraseStart = WordClass(rawValue: 8192)
        /// Verbs of contacting someone: the capitalised word after them is a person ("phoning Brad").
        static let contactCue = WordClass(rawValue: 16384)
        /// "MV", "HMS": the capitalised word after a ship prefix is a vessel's name.
        static let shipPrefix = WordClass(rawValue: 32768)
        /// "English", "Gregorian", "Korean": a language, nationality or calendar, not a person.
        static let properAdjective = WordClass(rawValue: 65536)
        /// Verbs whose object is a thing: the capitalised word after one is a tool ("run Flyway").
        static let toolVerb = WordClass(rawValue: 131072)

        var isName: Bool { !isDisjoint(with: [.givenName, .familyName]) }
        var isEverydayWord: Bool { !isDisjoint(with: [.commonWord, .ambiguousName]) }
    }

    /// Every word list in one table, so classifying a word costs one hash lookup.
    static let lexicon: [String: WordClass] = {
        var table: [String: WordClass] = [:]
        table.reserveCapacity(120_000)
        for (list, cls) in [
            (GazetteerData.givenNames, WordClass.givenName), (GazetteerData.familyNames, .familyName),
            (GazetteerData.ambiguousNames, .ambiguousName), (GazetteerData.commonWords, .commonWord)
        ] {
            addWords(of: list, as: cls, to: &table)
        }
        for (words, cls) in [
            (workVocabulary, WordClass.work), (NameDetector.cueBefore, .cueBefore), (NameDetector.cueAfter, .cueAfter),
            (NameDetector.determiners, .determiner), (thingContinuations, .thingContinuation), (honorifics, .honorific),
            (particles, .particle), (placeWords, .placeWord), (NameDetector.contactCues, .contactCue),
            (shipPrefixes, .shipPrefix), (NameDetector.toolVerbs, .toolVerb)
        ] {
            for word in words { table[word, default: []].insert(cls) }
        }
        return table
    }()

    /// Places and proper adjectives, which matter only for capitalised words: a table of their
    /// own keeps the one every word is looked up in as small as the word lists need.
    static let properNouns: [String: WordClass] = {
        var table: [String: WordClass] = [:]
        table.reserveCapacity(40_000)
        addWords(of: GazetteerData.places, as: .place, to: &table)
        addWords(of: GazetteerData.properAdjectives, as: .properAdjective, to: &table)
        for phrase in placePhrases {
            if let first = phrase.split(separator: " ").first { table[String(first), default: []].insert(.placePhraseStart) }
        }
        return table
    }()

    /// Adds each space-separated word of `list` to `table` with class `cls`.
    static func addWords(of list: String, as cls: WordClass, to table: inout [String: WordClass]) {
        var list = list
        list.withUTF8 { bytes in
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: " ") {
                if end > start { table[String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self), default: []].insert(cls) }
                start = end + 1
            }
        }
    }

    /// Place names of two to four words, folded and joined by single spaces.
    static let placePhrases: Set<String> = Set(GazetteerData.placePhrases.split(separator: "|").map(String.init))

    /// Ship prefixes (Wikipedia, "Ship prefix"): motor vessel, steamship, Her Majesty's Ship, …
    static let shipPrefixes: Set<String> = ["mv", "mts", "ss", "hms", "hmas", "hmcs", "hmnzs", "rms", "uss", "fv", "rv", "sv"]

    static func classify(_ folded: String) -> WordClass { lexicon[folded] ?? [] }
    /// `classify` plus place and proper-adjective classes, for a capitalised word.
    static func classifyCapitalised(_ folded: String) -> WordClass {
        let cls = classify(folded)
        guard let proper = properNouns[folded] else { return cls }
        return cls.union(proper)
    }
    static func isGivenName(_ folded: String) -> Bool { classify(folded).contains(.givenName) }
    static func isFamilyName(_ folded: String) -> Bool { classify(folded).contains(.familyName) }
    static func isCommonWord(_ folded: String) -> Bool { classify(folded).contains(.commonWord) }

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
        "agile", "lean", "safe", "prince", "cobol", "mainframe", "as400", "sap", "salesforce", "workday", "oracle"
    ]

    /// Words after a name-like token that show it names a thing, not a person ("Travis CI").
    static let thingContinuations: Set<String> = [
        "ci", "cd", "cluster", "clusters", "scripts", "script", "docs", "site", "server", "servers", "database", "db", "job", "jobs",
        "pipeline", "pipelines", "build", "builds", "node", "nodes", "instance", "instances", "plugin", "plugins", "api", "app",
        "service", "services", "broker", "brokers", "queue", "dashboard", "dashboards", "release", "version", "cli", "sdk",
        "agent", "agents", "runner", "runners", "container", "containers", "image", "images", "stack", "project", "repo",
        "module", "modules", "gem", "gems", "library", "framework", "tool", "tools", "config", "configuration", "feature",
        "features", "requests", "request", "team", "squad", "topic", "topics", "partition", "partitions", "consumer", "consumers",
        "producer", "producers", "language", "compiler", "bot", "bots", "chatbot", "cmdb", "scanner", "shipper", "monitoring", "search", "billing", "proxy", "gateway", "cache", "bucket", "buckets",
        "region", "regions", "room", "city", "street", "road", "station", "airport", "hospital",
        "university", "bridge", "valley", "square", "district", "depot", "office", "campus", "building", "ward", "park",
        "on-call", "rota", "schedule", "channel", "board", "process", "window", "freeze", "deploy", "deploys", "theme", "tickets"
    ]

    /// Words after a run of capitalised words that make it a place or event, not a person.
    static let placeWords: Set<String> = [
        "city", "town", "street", "st", "road", "rd", "avenue", "ave", "square", "station", "airport",
        "bridge", "county", "district", "province", "state", "island", "islands", "port", "harbour",
        "harbor", "university", "college", "hospital", "museum", "lumieres", "lumières", "festival", "valley"
    ]

    static let particles: Set<String> = [
        "de", "la", "le", "del", "della", "der", "den", "van", "von", "da", "di", "du", "dos", "das",
        "ter", "ten", "bin", "ibn", "al", "el", "ap", "ab", "mac", "st"
    ]
    static let honorifics: Set<String> = [
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "frau", "herr", "mme", "madame", "monsieur",
        "señor", "senor", "señora", "senora", "sr", "sra", "anh", "chị", "chi", "em", "cô", "co", "chú",
        "bác", "bac", "sir", "dame", "signor", "signora", "dott", "ing", "mevrouw", "meneer", "pan", "pani"
    ]
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
        "siobhan": ["shiv"], "bartholomew": ["bart"], "maximilian": ["max"], "sebastian": ["seb", "basti"], "tobias": ["tobi"]
    ]

    /// Lowercase, accents removed, a few letters spelled out: "Zsófia" → "zsofia", "Øyvind" → "oyvind".
    static func fold(_ s: String) -> String { fold(s.unicodeScalars) }

    static func fold<S: Collection>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        // Most words are ASCII: lowercase them straight into the string's storage.
        if scalars.allSatisfy({ $0.isASCII }) {
            return String(unsafeUninitializedCapacity: scalars.count) { buffer in
                var k = 0
                for scalar in scalars {
                    let v = UInt8(scalar.value)
                    buffer[k] = v &- 0x41 < 26 ? v | 0x20 : v
                    k += 1
                }
                return k
            }
        }
        var out = String.UnicodeScalarView()
        for original in scalars {
            if original.isASCII { out.append(ScalarText.lowerASCII(original)); continue }
            for scalar in original.properties.lowercaseMapping.unicodeScalars {
                if scalar.isASCII { out.append(scalar); continue }
                switch scalar {
                case "ß": out.append(contentsOf: "ss".unicodeScalars)
                case "ø": out.append("o")
                case "æ": out.append(contentsOf: "ae".unicodeScalars)
                case "œ": out.append(contentsOf: "oe".unicodeScalars)
                case "đ", "ð": out.append("d")
                case "ł": out.append("l")
                case "ı": out.append("i")
                case "þ": out.append(contentsOf: "th".unicodeScalars)
                case "’": out.append("'")
                default:
                    if (0x0300...0x036F).contains(scalar.value) { continue }  // combining marks of decomposed input
                    out.append(foldMap[scalar] ?? scalar)
                }
            }
        }
        return String(out)
    }

    static func isName(_ folded: String) -> Bool { classify(folded).isName }
    static func isWorkWord(_ folded: String) -> Bool { classify(folded).contains(.work) }

    /// "tpennington", "hmarchetti", "robin-achterberg-3b1a", "tahmidrahman": a user name built from a person's name.
    static func looksLikePersonHandle(_ raw: String) -> Bool {
        let s = fold(raw)
        let parts = s.split(whereSeparator: { !$0.isLetter }).map(String.init).filter { $0.count >= 2 }
        if parts.contains(where: { isName($0) && !isCommonWord($0) && !isWorkWord($0) }) { return true }
        // "jdoe-dev", "amartin_ops": one part is an initial and a surname.
        if parts.contains(where: isInitialAndSurname) { return true }
        if s.count >= 5, s.allSatisfy(\.isLetter) {
            // An initial plus a surname, or a surname plus an initial.
            if isFamilyName(String(s.dropFirst())) || isFamilyName(String(s.dropLast())) { return true }
            return looksLikeFullNameLabel(s)
        }
        return false
    }

    /// "jmartinez", "ptanaka": an initial, then a family name of four letters or more that is no
    /// everyday word or tool ("plane" is not p + Lane), the way companies build login names.
    static func isInitialAndSurname(_ folded: String) -> Bool {
        guard folded.count >= 5, folded.count <= 20, folded.allSatisfy(\.isLetter) else { return false }
        if isCommonWord(folded) || isWorkWord(folded) { return false }
        let surname = String(folded.dropFirst())
        return isFamilyName(surname) && !isCommonWord(surname) && !isWorkWord(surname)
    }

    /// "seun-adeyemi", "ana-lucia-ferreira": two or three name-like parts joined by hyphens, one of
    /// them a gazetteer name and none an everyday word or a tool.
    static func looksLikeHyphenatedFullName(_ raw: String) -> Bool {
        let parts = fold(raw).split(separator: "-").map(String.init)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count >= 2 && $0.allSatisfy(\.isLetter) }) else { return false }
        if parts.contains(where: { isCommonWord($0) || isWorkWord($0) || classify($0).contains(.ambiguousName) }) { return false }
        return parts.contains(where: isName)
    }

    /// A given name and a surname run together: "tahmidrahman".
    static func looksLikeFullNameLabel(_ raw: String) -> Bool {
        let s = Array(fold(raw))
        guard s.count >= 7, s.count <= 30, s.allSatisfy(\.isLetter) else { return false }
        for cut in 3...(s.count - 3) {
            let a = String(s[..<cut]), b = String(s[cut...])
            if isGivenName(a), isFamilyName(b) || isGivenName(b), !isCommonWord(a) || !isCommonWord(b) {
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
            ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűųǔưụủứừửữự", "u"), ("ŵ", "w"), ("ýÿŷỳỵỷỹ", "y"), ("źżž", "z")
        ]
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (letters, base) in table { for l in letters.unicodeScalars { map[l] = base } }
        return map
    }()
}
