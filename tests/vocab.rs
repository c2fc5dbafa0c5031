//! The shipped vocabularies against their example tables.
//!
//! * `tests/vocab/<kind>.tsv`: every `hit` line must be caught, and its first
//!   (best) hit must be of that kind; no `miss` line (an article sentence using
//!   the same words) may be hit as that kind. Every phrase kind under
//!   `rules/phrases/` needs such a table with at least 8 of each. A language's
//!   own lines may go in `tests/vocab/<kind>.<lang>.tsv` (at least 3 of each),
//!   so that a language's vocabularies and their examples arrive together.
//! * Headlines and short sentences that start like boilerplate must not be hit
//!   at all (a hit drops a block whatever its length).
//! * The stopword lists: a paragraph in each language must be guessed as that
//!   language, and the lists must be of comparable size.
//!
//! Every failing line is reported (file and line number) before the assert.

use scour::vocab::Vocab;
use std::fs;
use std::path::{Path, PathBuf};

const MIN_EXAMPLES: usize = 8;
/// The same for a table of one language's lines (`<kind>.<lang>.tsv`).
const MIN_LANG_EXAMPLES: usize = 3;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}

#[test]
fn phrase_tables_hit_boilerplate_and_miss_prose() {
    let v = Vocab::get();
    let dir = root().join("tests/vocab");
    let tables = files_with_ext(&dir, "tsv");
    assert!(!tables.is_empty(), "no tables in {}", dir.display());
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &tables {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap();
        let name = format!("tests/vocab/{stem}.tsv");
        let (kind, min) = match stem.split_once('.') {
            Some((kind, _lang)) => (kind, MIN_LANG_EXAMPLES),
            None => (stem, MIN_EXAMPLES),
        };
        let body = fs::read_to_string(path).unwrap();
        let (mut hits, mut misses) = (0, 0);
        for (no, line) in body.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let at = format!("{name}:{}", no + 1);
            let Some((label, text)) = line.split_once('\t') else {
                failures.push(format!("{at}: expected `hit<TAB>text` or `miss<TAB>text`"));
                continue;
            };
            let found = v.hits(text);
            checked += 1;
            match label {
                "hit" => {
                    hits += 1;
                    match found.first() {
                        None => failures.push(format!("{at}: not hit, expected {kind}: {text}")),
                        Some(h) if h.kind != kind => failures
                            .push(format!("{at}: first hit is {} ({}), expected {kind}: {text}", h.kind, h.rule)),
                        Some(_) => {}
                    }
                }
                "miss" => {
                    misses += 1;
                    if let Some(h) = found.iter().find(|h| h.kind == kind) {
                        failures.push(format!("{at}: prose hit by {}: {text}", h.rule));
                    }
                }
                other => failures.push(format!("{at}: unknown label {other:?}")),
            }
        }
        if hits < min || misses < min {
            failures.push(format!("{name}: needs at least {min} hit and {min} miss lines, has {hits} and {misses}"));
        }
    }
    // Every phrase kind has its table.
    for kind_dir in fs::read_dir(root().join("rules/phrases")).unwrap().flatten() {
        if kind_dir.path().is_dir() {
            let kind = kind_dir.file_name().to_string_lossy().into_owned();
            if !dir.join(format!("{kind}.tsv")).exists() {
                failures.push(format!("rules/phrases/{kind}/ has no tests/vocab/{kind}.tsv"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} example lines fail:\n{}", failures.len(), failures.join("\n"));
}

/// Headlines, subheadings and short sentences that open with the same words
/// as boilerplate ("By …", "Por qué …", "Von der Leyen …", "Read also the …",
/// "Sponsored by the city, …") or consist of a word that is also a footer
/// link ("Privacy", "Cookies"). None may be hit: a vocabulary hit drops a
/// block whatever else it has going for it.
const NOT_BOILERPLATE: &[&str] = &[
    "By the numbers",
    "By the way, the council never replied.",
    "By car, the trip takes about two hours.",
    "By 2030, half of all new cars sold in Europe will be electric, the report predicts.",
    "Von der Leyen warnt China vor Handelskrieg",
    "Von Berlin nach Paris in vier Stunden",
    "Door de regen liepen kelders onder water",
    "Door deze maatregel stijgen de prijzen",
    "Por qué sube el precio de la luz",
    "Por fin llega la lluvia a Andalucía",
    "Por primera vez en su historia",
    "Por que o dólar subiu tanto?",
    "Por isso o governo recuou",
    "Di Maio lascia il governo",
    "Di cosa parliamo quando parliamo di clima",
    "Par la suite, le maire a démissionné.",
    "Home sweet home",
    "Search and rescue teams reached the village on Tuesday.",
    "Share prices tumbled on Wall Street",
    "Published in 1962, the novel was an instant success.",
    "Posted in Kabul, the diplomat kept a diary.",
    "More than 200 people attended the funeral.",
    "See also the chart below, which shows the trend since 2000.",
    "Read also the full decision of the court, published on its website.",
    "Lire aussi le rapport de la Cour des comptes, publié mercredi.",
    "Copyright battle over Mickey Mouse heats up",
    "Privacy policy changes at Meta anger regulators",
    "Sponsored by the city, the festival draws thousands every year.",
    "Getty Images sold to private equity firm",
    "Reuters wins Pulitzer for investigative reporting",
    "Credit Suisse shares plunge again",
    "Sources say the minister will resign.",
    "Foto di gruppo per i leader del G7",
    "Опубликовано видео задержания",
    "Publicado el decreto que regula los alquileres",
    "Pubblicato il bando per i nuovi medici",
    "Zveřejněno nové video z Ukrajiny",
    "Opublikowano nagranie z zatrzymania",
    "Publicerad i Aftonbladet väckte artikeln debatt",
    "Nach der Anzeige ermittelt die Polizei.",
    "Las ventas subieron después del anuncio del Gobierno.",
    "A bolsa caiu após o anúncio do governo.",
    "Plus und Minus",
    "Datenschutz",
    "Privacy",
    "Accessibility",
    "Cookies",
    "Settings",
    "Stay in touch with your neighbours during the heatwave, the council urged.",
    "Stay up to date with vaccinations, doctors say.",
    "Scam emails in your inbox are getting harder to spot, police warn.",
    "Keep reading to find out how the story ends.",
    "Continue reading the report and you will see why.",
    "To continue reading at night, she bought a lamp.",
    "Already a member of the union, she became its leader in 2019.",
    "Exclusive to subscribers of the streaming service, the series premieres Friday.",
    "You have reached your limit? How to cope with burnout",
    "Te puede interesar saber que el museo abre los domingos.",
    "Vous aimerez aussi ce nouveau restaurant du quartier, selon les critiques.",
    "Mehr zum Thema Klimaschutz lesen Sie im Interview mit der Ministerin.",
    "Leia também o voto do ministro relator, que foi divulgado nesta quarta-feira.",
    "Rise of the FAMa",
    "Mutual support",
    "The comments section of the newspaper was closed after a flood of abuse.",
    "Cookie monster: how tracking took over the web",
    "Members only: inside Britain's most exclusive clubs",
    // Chinese and Japanese headlines that open with a boilerplate word: no
    // spaces, so only a separator or the whole line makes a label.
    "関連記事を削除した問題で社長が謝罪",
    "広告主の離反が続くSNS",
    "シェアハウスの家賃が上昇",
    "版权所有者称该网站侵权",
    "分享经济进入新阶段",
    "相关报道称政策将延期",
    "推荐阅读书目公布",
    "图为什么会模糊？",
    "관련 기사 삭제 논란",
    "Baca juga buku sejarah ini, saran guru itu kepada murid-muridnya.",
    "Головна проблема реформи",
    "تابعونا على مدار الساعة",
];

#[test]
fn headlines_and_short_prose_are_not_boilerplate() {
    let v = Vocab::get();
    let failures: Vec<String> =
        NOT_BOILERPLATE.iter().filter_map(|t| v.hits(t).first().map(|h| format!("{t:?} hit by {}", h.rule))).collect();
    assert!(failures.is_empty(), "{} of {} lines hit:\n{}", failures.len(), NOT_BOILERPLATE.len(), failures.join("\n"));
}

/// About 40 words of ordinary prose per stopword language, written for this
/// test (the same everyday story in each, so no list gets an easier text).
const PARAGRAPHS: &[(&str, &str)] = &[
    ("en", "The old bridge over the river was closed for repairs last spring, and since then the people who live on the other side have had to drive around the lake, which adds almost an hour to their journey every morning and evening."),
    ("fr", "Le vieux pont sur la rivière a été fermé pour des travaux au printemps dernier, et depuis les habitants qui vivent de l'autre côté doivent faire le tour du lac, ce qui ajoute presque une heure à leur trajet chaque matin."),
    ("de", "Die alte Brücke über den Fluss wurde im letzten Frühjahr für Reparaturen gesperrt, und seitdem müssen die Menschen, die auf der anderen Seite wohnen, um den See herumfahren, was ihre Fahrt jeden Morgen und Abend um fast eine Stunde verlängert."),
    ("es", "El viejo puente sobre el río se cerró por obras la primavera pasada, y desde entonces los vecinos que viven al otro lado tienen que rodear el lago, lo que añade casi una hora a su trayecto cada mañana y cada tarde."),
    ("it", "Il vecchio ponte sul fiume è stato chiuso per lavori la scorsa primavera, e da allora le persone che vivono dall'altra parte devono fare il giro del lago, cosa che aggiunge quasi un'ora al loro viaggio ogni mattina e ogni sera."),
    ("pt", "A velha ponte sobre o rio foi fechada para obras na primavera passada, e desde então as pessoas que vivem do outro lado têm de contornar o lago, o que acrescenta quase uma hora à sua viagem todas as manhãs e todas as noites."),
    ("nl", "De oude brug over de rivier werd afgelopen voorjaar gesloten voor reparaties, en sindsdien moeten de mensen die aan de andere kant wonen om het meer heen rijden, wat elke ochtend en avond bijna een uur aan hun reis toevoegt."),
    ("ru", "Старый мост через реку закрыли на ремонт прошлой весной, и с тех пор люди, которые живут на другом берегу, должны объезжать озеро, что добавляет почти час к их дороге каждое утро и каждый вечер, и это очень неудобно для всех."),
    ("uk", "Старий міст через річку закрили на ремонт минулої весни, і відтоді люди, які живуть на іншому березі, мусять об'їжджати озеро, що додає майже годину до їхньої дороги щоранку і щовечора, і це дуже незручно для всіх них, особливо холодної зими."),
    ("bg", "Старият мост над реката беше затворен за ремонт миналата пролет и оттогава хората, които живеят от другата страна, трябва да заобикалят езерото, което добавя почти един час към пътя им всяка сутрин и всяка вечер, а това е много неудобно."),
    ("pl", "Stary most na rzece został zamknięty do remontu zeszłej wiosny i od tego czasu ludzie, którzy mieszkają po drugiej stronie, muszą objeżdżać jezioro, co wydłuża ich podróż o prawie godzinę każdego ranka i wieczoru, a to jest bardzo uciążliwe dla wszystkich."),
    ("cs", "Starý most přes řeku byl loni na jaře uzavřen kvůli opravám a od té doby musí lidé, kteří bydlí na druhé straně, objíždět jezero, což jim každé ráno i večer prodlužuje cestu skoro o hodinu, a to je pro všechny velmi nepříjemné."),
    ("sk", "Starý most cez rieku bol vlani na jar uzavretý pre opravy a odvtedy musia ľudia, ktorí bývajú na druhej strane, obchádzať jazero, čo im každé ráno aj večer predlžuje cestu takmer o hodinu, a to je pre všetkých veľmi nepríjemné."),
    ("sv", "Den gamla bron över älven stängdes för reparationer i våras, och sedan dess måste de som bor på andra sidan köra runt sjön, vilket gör att resan tar nästan en timme längre varje morgon och kväll, och det är inte alls bra för någon."),
    ("da", "Den gamle bro over floden blev lukket for reparationer sidste forår, og siden da har de mennesker, der bor på den anden side, måttet køre rundt om søen, hvilket lægger næsten en time til deres tur hver morgen og aften, og det er ikke nemt for nogen."),
    ("no", "Den gamle brua over elva ble stengt for reparasjoner i fjor vår, og siden da har de som bor på den andre siden, måttet kjøre rundt vannet, noe som legger nesten en time til reisen deres hver morgen og kveld, og det er ikke enkelt for noen av dem."),
    ("fi", "Vanha silta joen yli suljettiin korjausten vuoksi viime keväänä, ja siitä lähtien toisella puolella asuvien ihmisten on täytynyt ajaa järven ympäri, mikä lisää heidän matkaansa lähes tunnin joka aamu ja ilta, eikä se ole kenellekään helppoa, koska he ovat jo väsyneitä."),
    ("hu", "A régi hidat a folyó felett tavaly tavasszal lezárták a javítások miatt, és azóta a túloldalon élő embereknek meg kell kerülniük a tavat, ami majdnem egy órával hosszabbítja meg az útjukat minden reggel és este, és ez nem könnyű senkinek, mert már így is fáradtak."),
    ("ro", "Vechiul pod peste râu a fost închis pentru reparații în primăvara trecută, iar de atunci oamenii care locuiesc pe cealaltă parte trebuie să ocolească lacul, ceea ce adaugă aproape o oră la drumul lor în fiecare dimineață și seară, și nu este deloc ușor."),
    ("tr", "Nehrin üzerindeki eski köprü geçen bahar onarım için kapatıldı ve o zamandan beri karşı tarafta yaşayan insanlar gölün etrafından dolaşmak zorunda, bu da her sabah ve akşam yolculuklarına neredeyse bir saat ekliyor ve bu durum kimse için kolay değil, çünkü herkes zaten çok yorgun."),
    ("id", "Jembatan tua di atas sungai itu ditutup untuk perbaikan pada musim semi lalu, dan sejak saat itu orang-orang yang tinggal di seberang harus memutari danau, yang menambah hampir satu jam pada perjalanan mereka setiap pagi dan sore, dan hal ini tidak mudah bagi siapa pun."),
    ("hr", "Stari most preko rijeke zatvoren je zbog popravaka prošlog proljeća, i od tada ljudi koji žive na drugoj strani moraju obilaziti jezero, što im svako jutro i večer produžuje put za gotovo sat vremena, a to nikome nije lako jer su već ionako umorni."),
    ("sl", "Stari most čez reko so lani spomladi zaprli zaradi popravil in od takrat morajo ljudje, ki živijo na drugi strani, obvoziti jezero, kar jim vsako jutro in večer podaljša pot za skoraj eno uro, in to ni lahko za nikogar, saj so že tako utrujeni."),
    ("ca", "El vell pont sobre el riu es va tancar per obres la primavera passada, i des d'aleshores la gent que viu a l'altra banda ha de fer la volta al llac, cosa que afegeix gairebé una hora al seu trajecte cada matí i cada vespre, i això no és gens fàcil."),
    ("el", "Η παλιά γέφυρα πάνω από το ποτάμι έκλεισε για επισκευές την περασμένη άνοιξη, και από τότε οι άνθρωποι που ζουν στην άλλη πλευρά πρέπει να κάνουν τον γύρο της λίμνης, κάτι που προσθέτει σχεδόν μία ώρα στη διαδρομή τους κάθε πρωί και κάθε βράδυ."),
    ("ar", "أغلق الجسر القديم فوق النهر للإصلاح في الربيع الماضي، ومنذ ذلك الحين يضطر الناس الذين يعيشون على الضفة الأخرى إلى الالتفاف حول البحيرة، وهو ما يضيف نحو ساعة كاملة إلى رحلتهم كل صباح ومساء، وهذا أمر صعب على الجميع لأنهم متعبون أصلا."),
    ("fa", "پل قدیمی روی رودخانه بهار گذشته برای تعمیر بسته شد و از آن زمان مردمی که در آن سوی رود زندگی می\u{200c}کنند باید دور دریاچه را بپیمایند، که هر صبح و عصر تقریبا یک ساعت به مسیر آنها اضافه می\u{200c}کند و این برای هیچ کس آسان نیست."),
    ("ur", "دریا پر بنا پرانا پل پچھلے موسم بہار میں مرمت کے لیے بند کر دیا گیا تھا، اور تب سے دوسری طرف رہنے والے لوگوں کو جھیل کے گرد گھوم کر جانا پڑتا ہے، جس سے ہر صبح اور شام ان کے سفر میں تقریباً ایک گھنٹہ بڑھ جاتا ہے اور یہ کسی کے لیے بھی آسان نہیں ہے۔"),
    ("he", "הגשר הישן מעל הנהר נסגר לשיפוצים באביב שעבר, ומאז האנשים שגרים בצד השני צריכים לנסוע מסביב לאגם, דבר שמוסיף כמעט שעה לדרכם בכל בוקר ובכל ערב, וזה לא קל לאף אחד מהם, כי הם כבר עייפים גם כך ואין להם זמן לזה."),
    ("hi", "नदी पर बना पुराना पुल पिछले वसंत में मरम्मत के लिए बंद कर दिया गया था, और तब से दूसरी तरफ़ रहने वाले लोगों को गाड़ी से झील का चक्कर लगाकर जाना पड़ता है, जिससे हर सुबह और शाम उनके सफ़र में लगभग एक घंटा और जुड़ जाता है, और यह किसी के लिए भी आसान नहीं है, क्योंकि वे पहले से ही थके हुए होते हैं।"),
    ("bn", "নদীর ওপরের পুরোনো সেতুটি গত বসন্তে মেরামতের জন্য বন্ধ করে দেওয়া হয়েছিল, আর তখন থেকে যারা অন্য পাড়ে থাকে তাদের হ্রদের চারপাশ ঘুরে গাড়ি চালিয়ে যেতে হয়, যার ফলে প্রতিদিন সকালে ও সন্ধ্যায় তাদের যাত্রায় প্রায় এক ঘণ্টা বেশি সময় লাগে, আর এটা কারও জন্যই সহজ নয়, কারণ তারা এমনিতেই ক্লান্ত থাকে।"),
    ("ko", "강 위에 있는 오래된 다리는 지난봄에 수리를 위해 폐쇄되었고, 그 이후로 강 건너편에 사는 사람들은 호수를 빙 돌아서 운전해야 하는데, 이 때문에 매일 아침과 저녁마다 이동 시간이 거의 한 시간이나 더 걸린다. 이것은 누구에게도 쉬운 일이 아니다. 왜냐하면 그들은 이미 많이 지쳐 있기 때문이다."),
    ("vi", "Cây cầu cũ bắc qua sông đã bị đóng để sửa chữa vào mùa xuân năm ngoái, và kể từ đó những người sống ở bờ bên kia phải lái xe vòng quanh hồ, khiến chuyến đi của họ dài thêm gần một tiếng đồng hồ mỗi sáng và mỗi tối, và điều này không hề dễ dàng với bất kỳ ai, vì họ vốn đã mệt mỏi rồi."),
    ("lt", "Senasis tiltas per upę praėjusį pavasarį buvo uždarytas remontui, ir nuo to laiko žmonės, kurie gyvena kitoje upės pusėje, turi važiuoti aplink ežerą, o tai kiekvieną rytą ir vakarą jų kelionę pailgina beveik valanda, ir tai niekam nėra lengva, nes jie jau ir taip yra pavargę."),
    ("lv", "Vecais tilts pār upi pagājušajā pavasarī tika slēgts remonta dēļ, un kopš tā laika cilvēkiem, kuri dzīvo otrā krastā, ir jābrauc apkārt ezeram, kas katru rītu un vakaru viņu ceļu pagarina gandrīz par stundu, un tas nevienam nav viegli, jo viņi jau tā ir noguruši."),
    ("et", "Vana sild üle jõe suleti eelmisel kevadel remondiks ja sellest ajast peale peavad teisel pool elavad inimesed järve ümber sõitma, mis lisab nende teekonnale igal hommikul ja õhtul peaaegu tunni, ning see ei ole kellelegi kerge, sest nad on niigi juba väsinud."),
    ("sq", "Ura e vjetër mbi lumin u mbyll për riparime pranverën e kaluar, dhe që atëherë njerëzit që jetojnë në anën tjetër duhet të udhëtojnë me makinë rreth liqenit, gjë që ua zgjat rrugën pothuajse me një orë çdo mëngjes dhe çdo mbrëmje, dhe kjo nuk është e lehtë për askënd, sepse ata janë tashmë të lodhur."),
    ("sw", "Daraja la zamani lililo juu ya mto lilifungwa kwa ajili ya matengenezo majira ya kuchipua yaliyopita, na tangu wakati huo watu wanaoishi upande wa pili wamelazimika kuendesha magari kuzunguka ziwa, jambo ambalo linaongeza karibu saa moja kwenye safari yao kila asubuhi na jioni, na hili si rahisi kwa mtu yeyote, kwa sababu tayari wamechoka."),
    ("sr", "Стари мост преко реке затворен је прошлог пролећа због поправке, и од тада људи који живе на другој страни морају да обилазе језеро колима, што им сваког јутра и сваке вечери продужава пут за скоро сат времена, а то никоме није лако јер су већ ионако уморни."),
    ("mk", "Стариот мост преку реката беше затворен за поправка минатата пролет, и оттогаш луѓето што живеат од другата страна мора да го обиколуваат езерото, што им го продолжува патот за речиси еден час секое утро и секоја вечер, а тоа не е лесно за никого, бидејќи тие веќе и онака се уморни."),
    ("ka", "მდინარეზე გადებული ძველი ხიდი გასულ გაზაფხულზე სარემონტოდ დაიკეტა და მას შემდეგ მეორე მხარეს მცხოვრებ ადამიანებს მანქანით ტბის შემოვლა უწევთ, რაც ყოველ დილით და საღამოს მათ გზას თითქმის ერთი საათით ახანგრძლივებს, და ეს არავისთვის არ არის ადვილი, რადგან ისინი ისედაც უკვე ძალიან დაღლილები არიან."),
    ("hy", "Գետի վրայի հին կամուրջն անցյալ գարնանը փակվեց վերանորոգման համար, և այդ ժամանակից ի վեր մյուս ափին ապրող մարդիկ ստիպված են մեքենայով շրջանցել լիճը, ինչը նրանց ճանապարհին ամեն առավոտ և երեկո ավելացնում է գրեթե մեկ ժամ, և դա ոչ մեկի համար հեշտ չէ, քանի որ նրանք առանց այդ էլ արդեն հոգնած են։"),
    ("az", "Çayın üzərindəki köhnə körpü keçən yaz təmir üçün bağlandı və o vaxtdan bəri qarşı tərəfdə yaşayan insanlar maşınla gölün ətrafını dolanmalı olurlar, bu da hər səhər və axşam onların yoluna təxminən bir saat əlavə edir, bu isə heç kim üçün asan deyil, çünki onlar onsuz da yorğun olurlar."),
    ("tl", "Ang lumang tulay sa ibabaw ng ilog ay isinara para sa pagkukumpuni noong nakaraang tagsibol, at mula noon ang mga taong nakatira sa kabilang pampang ay kailangang magmaneho paikot sa lawa, na nagdaragdag ng halos isang oras sa kanilang biyahe tuwing umaga at gabi, at hindi ito madali para sa sinuman, dahil pagod na talaga sila."),
    ("ta", "ஆற்றின் மீது இருந்த பழைய பாலம் கடந்த வசந்த காலத்தில் பழுது பார்க்கும் பணிகளுக்காக மூடப்பட்டது, அன்று முதல் மறுகரையில் வசிக்கும் மக்கள் ஏரியைச் சுற்றி வாகனத்தில் செல்ல வேண்டியுள்ளது, இதனால் ஒவ்வொரு நாளும் காலையிலும் மாலையிலும் அவர்களின் பயணத்துக்குக் கிட்டத்தட்ட ஒரு மணி நேரம் கூடுதலாகிறது, இது யாருக்கும் எளிதானது அல்ல, ஏனெனில் அவர்கள் ஏற்கனவே மிகவும் களைப்பாக இருக்கிறார்கள்."),
    ("ms", "Jambatan lama yang merentasi sungai itu telah ditutup untuk kerja-kerja pembaikan pada musim bunga tahun lalu, dan sejak itu penduduk yang tinggal di seberang sana terpaksa memandu mengelilingi tasik, sekali gus menyebabkan perjalanan mereka setiap pagi dan petang bertambah hampir sejam, dan keadaan ini tidak mudah bagi sesiapa pun kerana mereka memang sudah keletihan."),
];

#[test]
fn every_stopword_language_is_guessed_from_a_paragraph() {
    let langs = Vocab::get().languages();
    let mut failures = Vec::new();
    for lang in langs {
        if !PARAGRAPHS.iter().any(|(l, _)| l == lang) {
            failures.push(format!("rules/stopwords/{lang}.txt has no test paragraph"));
        }
    }
    for (lang, text) in PARAGRAPHS {
        let words = scour::vocab::word_count(text);
        if words < 38 {
            failures.push(format!("{lang}: test paragraph has only {words} words"));
        }
        let got = scour::lang::guess(std::iter::once(*text), None).code();
        if got != Some(*lang) {
            failures.push(format!("{lang}: guessed {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn stopword_lists_are_of_comparable_size() {
    let v = Vocab::get();
    let mut failures = Vec::new();
    for lang in v.languages() {
        let list = v.stopwords(lang).unwrap();
        if !(100..=260).contains(&list.len()) {
            failures.push(format!("rules/stopwords/{lang}.txt: {} words, want 100-260", list.len()));
        }
        for w in list {
            if w.chars().any(|c| c.is_uppercase() || c.is_whitespace()) {
                failures.push(format!("rules/stopwords/{lang}.txt: {w:?} is not one lower-case word"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
