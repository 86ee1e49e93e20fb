"""Every word the report shows, in English and Indonesian, and numbers in each language's style.

One table (:data:`TEXT`) holds every label, title, caption and sentence of the charts and the
brief: ``TEXT[key] = (english, indonesian)``. :func:`t` looks a key up for a language and fills
``{placeholders}``; a key missing from the table is a bug (``KeyError``), so no label can fall
back silently to English in an Indonesian report. Scenario, lever and programme names have their
own tables (:data:`SCENARIOS`, :data:`LEVERS`, :data:`PROGRAMMES`); names not in them are shown
as written in the scenario file.

Numbers: English uses a decimal point and comma thousands separators (``1,234.5``); Indonesian,
as BPS publishes, a decimal comma and point separators (``1.234,5``) (:func:`number`).
"""

from __future__ import annotations

import math

LANGS = ("en", "id")

TEXT: dict[str, tuple[str, str]] = {
    # ---- common
    "month": ("Month", "Bulan"),
    "march": ("March (survey month)", "Maret (bulan survei)"),
    "median": ("median", "median"),
    "band50": ("50% band", "pita 50%"),
    "band90": ("90% band", "pita 90%"),
    "interval90": ("5-95% over replications", "5-95% antar-replikasi"),
    "source": ("Source", "Sumber"),
    "model_source": ("povsim simulation, {households} households x {replications} replications, "
                     "seed {seed}", "simulasi povsim, {households} rumah tangga x "
                     "{replications} replikasi, seed {seed}"),
    "provenance": ("povsim {version}, commit {commit}, run {run_id}",
                   "povsim {version}, commit {commit}, run {run_id}"),
    "uncommitted": (" (uncommitted changes)", " (ada perubahan belum di-commit)"),
    "bps_rows": ("BPS, published figures (calibration/targets.csv rows {rows})",
                 "BPS, angka terbitan (calibration/targets.csv baris {rows})"),
    "sakernas_rows": ("BPS Sakernas (calibration/targets.csv rows {rows})",
                      "BPS Sakernas (calibration/targets.csv baris {rows})"),
    "counterfactual_is": ("Counterfactual: {name}.", "Kontrafaktual: {name}."),
    "unbounded": ("upper bound not finite", "batas atas tak hingga"),
    "none_lifted": ("no persons lifted on average", "rata-rata tidak ada yang terangkat"),
    # ---- extreme_poverty_fan
    "fan_title": ("Extreme poverty by scenario, {start} to {end}",
                  "Kemiskinan ekstrem menurut skenario, {start} s.d. {end}"),
    "fan_y": ("Extreme poverty (% of persons)", "Kemiskinan ekstrem (% penduduk)"),
    "bps_calibration": ("BPS, used in calibration", "BPS, dipakai dalam kalibrasi"),
    "bps_check": ("BPS, published (check)", "BPS, terbitan (pembanding)"),
    "target_zero": ("target 0%", "target 0%"),
    "target_band": ("0-1% band, 2024", "pita 0-1%, 2024"),
    "baseline_median": ("baseline median", "median skenario dasar"),
    # ---- lever_contributions
    "lifted_title": ("Persons lifted out of extreme poverty, against the counterfactual",
                     "Penduduk yang terangkat dari kemiskinan ekstrem, dibanding kontrafaktual"),
    "lifted_x": ("Persons lifted (thousands)", "Penduduk terangkat (ribu)"),
    "lifted_note": ("Counterfactual minus scenario, replication by replication (same seeds); "
                    "dot: median, bar: 5-95%.",
                    "Kontrafaktual dikurangi skenario, per replikasi (seed sama); titik: median, "
                    "garis: 5-95%."),
    # ---- cost_effectiveness
    "cost_title": ("Rupiah per person lifted out of extreme poverty",
                   "Rupiah per penduduk yang terangkat dari kemiskinan ekstrem"),
    "cost_x": ("Rp million per person lifted", "Rp juta per penduduk terangkat"),
    "cost_note": ("Extra spending since {since} over mean persons lifted; dot: point estimate, "
                  "bar: 5-95% bootstrap over replications.",
                  "Tambahan belanja sejak {since} dibagi rata-rata penduduk terangkat; titik: "
                  "estimasi, garis: bootstrap 5-95% antar-replikasi."),
    # ---- labour_market
    "labour_title": ("Labour market: model against Sakernas ({scenario})",
                     "Pasar kerja: model dibanding Sakernas ({scenario})"),
    "unemployment_t": ("Open unemployment rate (TPT)", "Tingkat pengangguran terbuka (TPT)"),
    "unemployment_y": ("% of labour force", "% angkatan kerja"),
    "informality_t": ("Informal employment", "Pekerja informal"),
    "informality_y": ("% of employed", "% penduduk bekerja"),
    "sakernas_calibration": ("Sakernas, used in calibration", "Sakernas, dipakai kalibrasi"),
    "sakernas_check": ("Sakernas, published (check)", "Sakernas, terbitan (pembanding)"),
    "model_median": ("model median", "median model"),
    # ---- spending
    "spending_title": ("Spending by lever and programme ({scenario})",
                       "Belanja menurut tuas dan program ({scenario})"),
    "spending_quarter_y": ("Rp trillion per quarter", "Rp triliun per triwulan"),
    "quarter": ("Quarter (ticks: March)", "Triwulan (tanda: Maret)"),
    "spending_total_x": ("Rp trillion, {since} to {end}", "Rp triliun, {since} s.d. {end}"),
    "spending_note": ("Mean over replications; nominal rupiah. A programme at 0 paid nothing "
                      "from the budget in this scenario (BPJS-TK is paid from members' "
                      "contributions).",
                      "Rata-rata antar-replikasi; rupiah nominal. Program bernilai 0 tidak "
                      "dibayar dari anggaran pada skenario ini (BPJS-TK dibayar dari iuran "
                      "peserta)."),
    # ---- target_probability
    "prob_title": ("Chance of extreme poverty at or below 1% in {month}",
                   "Peluang kemiskinan ekstrem paling tinggi 1% pada {month}"),
    "prob_bar": ("Share of runs at or below 1%", "Porsi run dengan angka paling tinggi 1%"),
    "prim_box": ("PRIM box (coverage {coverage}, density {density})",
                 "Kotak PRIM (cakupan {coverage}, kepadatan {density})"),
    "sweep_source": ("povsim sweep, {runs} runs ({failed} failed), seed {seed}",
                     "sweep povsim, {runs} run ({failed} gagal), seed {seed}"),
    "runs_in_cell": ("number: runs in the cell", "angka: jumlah run di sel"),
    # ---- calibration_fit
    "fit_title": ("Calibration: model against published targets",
                  "Kalibrasi: model dibanding target terbitan"),
    "fit_x": ("Model, % of the published value (= 100)",
              "Model, % dari angka terbitan (= 100)"),
    "fit_in": ("model 5-95%, in sample", "model 5-95%, dalam sampel"),
    "fit_out": ("model 5-95%, out of sample", "model 5-95%, di luar sampel"),
    "fit_published": ("published", "terbitan"),
    "calibration_source": ("povsim calibration, method {method} (folder {folder}); published "
                           "values: calibration/targets.csv rows {rows}",
                           "kalibrasi povsim, metode {method} (folder {folder}); angka "
                           "terbitan: calibration/targets.csv baris {rows}"),
    "calibration_provenance": ("povsim {version}, calibration.json {digest}",
                               "povsim {version}, calibration.json {digest}"),
    # ---- the brief
    "brief_title": ("Extreme poverty in Indonesia and the 2024 target: a povsim brief",
                    "Kemiskinan ekstrem di Indonesia dan target 2024: ringkasan povsim"),
    "question_h": ("The question", "Pertanyaan"),
    "question": (
        "Inpres 4/2022 sets the target of zero extreme poverty by 2024. BPS measures poverty in "
        "the March Susenas survey and publishes the rate to two decimals. Under each scenario, "
        "how likely is extreme poverty (US$1.90 a day, 2011 PPP) to be 0.00% as published, or "
        "at most 1% (the 0-1% band), in March and in December 2024, and what do the Kemnaker "
        "levers (job creation, training, social insurance) add for what they cost?",
        "Inpres 4/2022 menetapkan target nol kemiskinan ekstrem pada 2024. BPS mengukur "
        "kemiskinan dengan Susenas Maret dan menerbitkan angkanya dengan dua desimal. Pada tiap "
        "skenario, seberapa besar peluang kemiskinan ekstrem (US$1,90 per hari, PPP 2011) "
        "menjadi 0,00% seperti terbitan BPS, atau paling tinggi 1% (pita 0-1%), pada Maret dan "
        "Desember 2024, dan apa tambahan dari tuas Kemnaker (penciptaan kerja, pelatihan, "
        "jaminan sosial) dibanding biayanya?"),
    "answer_h": ("The answer", "Jawaban"),
    "answer": (
        "Under the {scenario} scenario the model puts extreme poverty in March 2024 at "
        "{median} ± {median_se} (50% interval {p25} to {p75}; 90% interval {p05} to {p95}), "
        "and in December 2024 at {median_dec} ± {median_se_dec} (50% interval {p25_dec} to "
        "{p75_dec}; 90% interval {p05_dec} to {p95_dec}). The chance of 0.00% (as BPS rounds) "
        "is {p_zero} ± {p_zero_se} in March 2024 and {p_zero_dec} ± {p_zero_se_dec} in "
        "December 2024; the chance of at most 1% is {p_band} ± {p_band_se} and {p_band_dec} "
        "± {p_band_se_dec}.",
        "Pada skenario {scenario}, model memperkirakan kemiskinan ekstrem Maret 2024 sebesar "
        "{median} ± {median_se} (interval 50% {p25} s.d. {p75}; interval 90% {p05} s.d. "
        "{p95}), dan Desember 2024 sebesar {median_dec} ± {median_se_dec} (interval 50% "
        "{p25_dec} s.d. {p75_dec}; interval 90% {p05_dec} s.d. {p95_dec}). Peluang 0,00% "
        "(dibulatkan seperti BPS) adalah {p_zero} ± {p_zero_se} pada Maret 2024 dan "
        "{p_zero_dec} ± {p_zero_se_dec} pada Desember 2024; peluang paling tinggi 1% adalah "
        "{p_band} ± {p_band_se} dan {p_band_dec} ± {p_band_se_dec}."),
    "answer_month_only": (
        "Under the {scenario} scenario the model puts extreme poverty in {month} at {median} "
        "± {median_se} (50% interval {p25} to {p75}; 90% interval {p05} to {p95}). The chance "
        "of 0.00% (as BPS rounds) is {p_zero} ± {p_zero_se}; the chance of at most 1% is "
        "{p_band} ± {p_band_se}.",
        "Pada skenario {scenario}, model memperkirakan kemiskinan ekstrem {month} sebesar "
        "{median} ± {median_se} (interval 50% {p25} s.d. {p75}; interval 90% {p05} s.d. "
        "{p95}). Peluang 0,00% (dibulatkan seperti BPS) adalah {p_zero} ± {p_zero_se}; "
        "peluang paling tinggi 1% adalah {p_band} ± {p_band_se}."),
    "answer_none_met": (
        "No replication is at or below 1% in {months}: with {replications} replications that "
        "says the chance is below {upper} (95% Clopper-Pearson upper bound), not that it is "
        "zero.",
        "Tidak ada replikasi yang paling tinggi 1% pada {months}: dengan {replications} "
        "replikasi, artinya peluangnya di bawah {upper} (batas atas 95% Clopper-Pearson), "
        "bukan nol."),
    "answer_none": ("The run ends before March 2024, so it does not answer the question; see "
                    "the charts for the months it covers.",
                    "Run berakhir sebelum Maret 2024, sehingga tidak menjawab pertanyaan; lihat "
                    "grafik untuk bulan yang dicakup."),
    "answer_lifted": (
        "Against {counterfactual}, the {scenario} scenario lifts {lifted} persons out of "
        "extreme poverty in {month} (90% interval {lo} to {hi}), at {per_person} per "
        "person lifted.",
        "Dibanding {counterfactual}, skenario {scenario} mengangkat {lifted} penduduk dari "
        "kemiskinan ekstrem pada {month} (interval 90% {lo} s.d. {hi}), dengan biaya "
        "{per_person} per penduduk terangkat."),
    "answer_caveat": (
        "The intervals are the spread over {replications} replications of {households} "
        "sample households with the parameters fixed at their values: they show the model's "
        "chance variation, not the uncertainty of its parameters. ± is the Monte Carlo "
        "standard error of {replications} replications.",
        "Interval adalah sebaran {replications} replikasi dari {households} rumah tangga "
        "sampel dengan parameter tetap: interval menunjukkan variasi acak model, bukan "
        "ketidakpastian parameternya. ± adalah galat baku Monte Carlo dari {replications} "
        "replikasi."),
    "answer_caveat_posterior": (
        "The intervals are the spread over {replications} replications of {households} "
        "sample households, each with its own draw of the parameters from the posterior "
        "{posterior} ({draws} distinct draws): they carry the uncertainty of the parameters "
        "and the model's chance variation together. ± is the Monte Carlo standard error of "
        "{replications} replications (order statistics for the median, binomial for the "
        "chances); more replications shrink it, not the intervals.",
        "Interval adalah sebaran {replications} replikasi dari {households} rumah tangga "
        "sampel, masing-masing dengan undian parameternya sendiri dari posterior {posterior} "
        "({draws} undian berbeda): interval memuat ketidakpastian parameter dan variasi acak "
        "model sekaligus. ± adalah galat baku Monte Carlo dari {replications} replikasi "
        "(statistik urutan untuk median, binomial untuk peluang); menambah replikasi "
        "memperkecilnya, bukan intervalnya."),
    "table_h": ("Scenarios", "Skenario"),
    "table_note": (
        "Median ± its Monte Carlo standard error, 50% (25-75%) and 90% (5-95%) intervals over "
        "replications (from summary.json); P(0.00%): share of replications whose rate rounds "
        "to 0.00% as BPS publishes it (below 0.005%); P(<=1%): share at or below 1%; each "
        "chance ± its binomial standard error in points; spending: Rp trillion since {since}, "
        "mean over replications; persons lifted "
        "against the counterfactual in brackets, median (5-95%); Rp per person lifted: extra "
        "spending over the counterfactual divided by mean persons lifted.",
        "Median ± galat baku Monte Carlo-nya, interval 50% (25-75%) dan 90% (5-95%) "
        "antar-replikasi (dari summary.json); P(0,00%): porsi replikasi yang angkanya "
        "dibulatkan menjadi 0,00% seperti terbitan BPS (di bawah 0,005%); P(<=1%): porsi yang "
        "paling tinggi 1%; setiap peluang ± galat baku binomialnya dalam poin; belanja: Rp "
        "triliun sejak {since}, rata-rata antar-replikasi; penduduk "
        "terangkat dibanding kontrafaktual dalam kurung, median (5-95%); Rp per penduduk "
        "terangkat: tambahan belanja atas kontrafaktual dibagi rata-rata penduduk terangkat."),
    "col_scenario": ("Scenario", "Skenario"),
    "col_month": ("Month", "Bulan"),
    "col_rate": ("Extreme poverty, % (median ± MC error)",
                 "Kemiskinan ekstrem, % (median ± galat MC)"),
    "col_intervals": ("50% / 90% interval", "Interval 50% / 90%"),
    "col_p_zero": ("P(0.00%)", "P(0,00%)"),
    "col_p_band": ("P(<=1%)", "P(<=1%)"),
    "col_spending": ("Spending, Rp T", "Belanja, Rp T"),
    "col_lifted": ("Persons lifted (5-95%)", "Penduduk terangkat (5-95%)"),
    "col_per_person": ("Rp M per person lifted", "Rp juta per orang terangkat"),
    "charts_h": ("Charts", "Grafik"),
    "chart_skipped": ("{chart}: not drawn. {reason}", "{chart}: tidak dibuat. {reason}"),
    "no_sweep": ("It needs a sweep folder (povsim report --sweep DIR).",
                 "Perlu folder sweep (povsim report --sweep DIR)."),
    "no_calibration": ("It needs a calibration folder (povsim report --calibration DIR).",
                       "Perlu folder kalibrasi (povsim report --calibration DIR)."),
    "no_counterfactual": ("No scenario of the run has its counterfactual in the run (run "
                          "no_programmes with the others).",
                          "Tidak ada skenario yang kontrafaktualnya ikut dalam run (jalankan "
                          "no_programmes bersama yang lain)."),
    "no_spending": ("No scenario of the run spent anything.",
                    "Tidak ada skenario dalam run yang membelanjakan apa pun."),
    "methods_h": ("Methods and assumptions", "Metode dan asumsi"),
    "methods": (
        "povsim is an agent-based model of Indonesian households and employers run month by "
        "month from March 2021 (BPS poverty and Sakernas labour market of that month). "
        "Households earn from formal and informal work, receive the programmes' transfers "
        "and consume from a buffer; poverty is measured as BPS does, on consumption per person "
        "against the US$1.90 (2011 PPP) line carried by the CPI. Every number the model uses "
        "is a parameter in simulation/parameters/ with its unit and either a published source "
        "(a row of calibration/targets.csv) or a labelled assumption with its reason; both "
        "lists follow, generated from the parameter files of this version ({n_params} "
        "parameters: {n_assumed} with a labelled assumption, {n_sourced} with a published "
        "source).",
        "povsim adalah model berbasis agen untuk rumah tangga dan pemberi kerja di Indonesia, "
        "dijalankan per bulan sejak Maret 2021 (kemiskinan BPS dan pasar kerja Sakernas bulan "
        "itu). Rumah tangga berpenghasilan dari kerja formal dan informal, menerima transfer "
        "program dan berkonsumsi dari tabungan penyangga; kemiskinan diukur seperti BPS, dari "
        "konsumsi per kapita terhadap garis US$1,90 (PPP 2011) yang disesuaikan dengan IHK. "
        "Setiap angka dalam model adalah parameter di simulation/parameters/ dengan satuan "
        "dan sumber terbitan (baris calibration/targets.csv) atau asumsi berlabel beserta "
        "alasannya; kedua daftar berikut dibuat dari berkas parameter versi ini ({n_params} "
        "parameter: {n_assumed} dengan asumsi berlabel, {n_sourced} dengan sumber terbitan)."),
    "methods_lang_note": ("", "Deskripsi parameter ditulis dalam bahasa Inggris, seperti di "
                              "berkas parameternya."),
    "assumptions_h": ("Labelled assumptions", "Asumsi berlabel"),
    "sources_h": ("Sourced figures", "Angka bersumber"),
    "col_parameter": ("Parameter", "Parameter"),
    "col_value": ("Value", "Nilai"),
    "col_reason": ("Reason", "Alasan"),
    "col_reference": ("Reference", "Rujukan"),
    "row": ("row", "baris"),
    "dated_values": ("{n} dated values, from {first}", "{n} nilai bertanggal, sejak {first}"),
    "run_h": ("This run", "Run ini"),
    "run_text": (
        "Run folder {folder} (run id {run_id}: the first 12 hex digits of the SHA-256 of its "
        "manifest.json), made by povsim {version} at commit {commit}; {households} households "
        "x {replications} replications, seed {seed}, March 2021 to {end}. Command: {command}",
        "Folder run {folder} (id run {run_id}: 12 digit heksadesimal pertama SHA-256 dari "
        "manifest.json), dibuat oleh povsim {version} pada commit {commit}; {households} "
        "rumah tangga x {replications} replikasi, seed {seed}, Maret 2021 s.d. {end}. "
        "Perintah: {command}"),
    "sweep_text": ("Sweep folder {folder}: {runs} runs.", "Folder sweep {folder}: {runs} run."),
    "calibration_text": ("Calibration folder {folder}: method {method}.",
                         "Folder kalibrasi {folder}: metode {method}."),
    "page": ("Page {n}", "Halaman {n}"),
}

SCENARIOS: dict[str, tuple[str, str]] = {
    "baseline": ("Baseline", "Dasar"),
    "no_programmes": ("No Kemnaker levers", "Tanpa tuas Kemnaker"),
    "job_creation_up": ("Job creation x2", "Penciptaan kerja x2"),
    "training_up": ("Training x2", "Pelatihan x2"),
    "insurance_up": ("PBI for 20 M workers", "PBI untuk 20 juta pekerja"),
    "all_levers_up": ("All three levers up", "Ketiga tuas dinaikkan"),
}

LEVERS: dict[str, tuple[str, str]] = {
    "social_assistance": ("Social assistance (other ministries)",
                          "Bantuan sosial (kementerian lain)"),
    "job_creation": ("Job creation", "Penciptaan kerja"),
    "training": ("Training", "Pelatihan"),
    "social_insurance": ("Social insurance", "Jaminan sosial"),
}

PROGRAMMES: dict[str, tuple[str, str]] = {
    "pkh": ("PKH", "PKH"),
    "bpnt": ("BPNT / Sembako", "BPNT / Sembako"),
    "blt_dana_desa": ("BLT Dana Desa", "BLT Dana Desa"),
    "blt_bbm": ("BLT BBM", "BLT BBM"),
    "blt_el_nino": ("BLT El Nino", "BLT El Nino"),
    "blt_pangan": ("BLT food-price relief", "BLT Mitigasi Risiko Pangan"),
    "bsu": ("BSU wage subsidy", "BSU subsidi upah"),
    "padat_karya": ("Padat karya", "Padat karya"),
    "tkm_grants": ("TKM grants", "Hibah TKM"),
    "formal_job_creation": ("Formal job creation", "Penciptaan kerja formal"),
    "prakerja": ("Kartu Prakerja", "Kartu Prakerja"),
    "blk": ("BLK training", "Pelatihan BLK"),
    "bpjs_tk": ("BPJS-TK", "BPJS-TK"),
    "pbi_contributions": ("PBI BPJS-TK", "PBI BPJS-TK"),
    "pbi_rpjmn": ("PBI, RPJMN 20 M", "PBI, RPJMN 20 juta"),
    "pktd": ("Village cash-for-work", "Padat Karya Tunai Desa"),
}
_EXTRA = (" (extra)", " (tambahan)")

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
}


def _index(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    return LANGS.index(lang)


def t(key: str, lang: str, **values: object) -> str:
    """Return the text of ``key`` in ``lang`` with ``{placeholders}`` filled.

    Examples:
        >>> t("fan_y", "id")
        'Kemiskinan ekstrem (% penduduk)'
        >>> t("prob_title", "en", month="Mar 2024")
        'Chance of extreme poverty at or below 1% in Mar 2024'
    """
    text = TEXT[key][_index(lang)]
    return text.format(**values) if values else text


def scenario_label(name: str, lang: str) -> str:
    """A scenario's display name (the name itself when not in :data:`SCENARIOS`)."""
    return SCENARIOS[name][_index(lang)] if name in SCENARIOS else name


def lever_label(lever: str, lang: str) -> str:
    """A lever's display name."""
    return LEVERS[lever][_index(lang)] if lever in LEVERS else lever


def programme_label(label: str, lang: str) -> str:
    """A policy label's display name (``*_extra`` are the base's with "(extra)").

    Examples:
        >>> programme_label("padat_karya_extra", "id")
        'Padat karya (tambahan)'
    """
    i = _index(lang)
    if label in PROGRAMMES:
        return PROGRAMMES[label][i]
    if label.endswith("_extra") and label[: -len("_extra")] in PROGRAMMES:
        return PROGRAMMES[label[: -len("_extra")]][i] + _EXTRA[i]
    return label


def month_text(month: str, lang: str) -> str:
    """``YYYY-MM`` as ``Mar 2024`` (``Agu 2023`` in Indonesian).

    Examples:
        >>> month_text("2023-08", "id")
        'Agu 2023'
    """
    year, mon = month.split("-")
    return f"{MONTHS[lang][int(mon) - 1]} {year}"


MONTHS_LONG: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
}


def month_long(month: str, lang: str) -> str:
    """``YYYY-MM`` as ``December 2024`` (``Desember 2024``), for running text.

    Examples:
        >>> month_long("2024-12", "id")
        'Desember 2024'
    """
    year, mon = month.split("-")
    return f"{MONTHS_LONG[lang][int(mon) - 1]} {year}"


def number(x: float | None, decimals: int = 0, lang: str = "en") -> str:
    """Format ``x`` with ``decimals`` decimals in the language's style ("n/a" for None/NaN).

    Examples:
        >>> number(1234567.891, 2, "en"), number(1234567.891, 2, "id")
        ('1,234,567.89', '1.234.567,89')
        >>> number(-0.004, 2, "id")
        '0,00'
    """
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    text = f"{float(x):,.{decimals}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0:
        text = text[1:]  # no "-0.00"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(fraction: float | None, decimals: int = 2, lang: str = "en") -> str:
    """A fraction as a percentage: ``0.0117`` -> ``1.17%`` (``1,17%``)."""
    if fraction is None:
        return "n/a"
    return number(100.0 * fraction, decimals, lang) + "%"


def share(p: float | None, lang: str = "en") -> str:
    """A probability as a percentage with no decimals: ``0.25`` -> ``25%``."""
    return percent(p, 0, lang)


def rupiah(x: float | None, lang: str = "en") -> str:
    """An amount in rupiah in words: ``Rp 1.23 trillion`` / ``Rp 1,23 triliun``.

    Examples:
        >>> rupiah(512_300_000, "en"), rupiah(512_300_000, "id")
        ('Rp 512.3 million', 'Rp 512,3 juta')
    """
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    words = {"en": ("trillion", "billion", "million"), "id": ("triliun", "miliar", "juta")}[lang]
    for scale, word in zip((1e12, 1e9, 1e6), words, strict=True):
        if abs(x) >= scale:
            return f"Rp {number(x / scale, 1 if abs(x) / scale < 100 else 0, lang)} {word}"
    return f"Rp {number(x, 0, lang)}"
