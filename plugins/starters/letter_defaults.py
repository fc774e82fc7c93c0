"""The default texts of decision letters (Dutch: the letters are, see letters.py); kept apart so
the plugin's manifest can offer them as setting defaults without loading the letter renderer.
They speak to the starter with "je", like every other text of the platform."""

DEFAULT_APPEAL_DAYS = 30
DEFAULT_OPENING = (
    "Het college van burgemeester en schepenen besliste over je aanvraag tot ondersteuning "
    "voor de opstart van een kinderopvang. Hieronder lees je per maatregel de beslissing en "
    "de motivering."
)
DEFAULT_APPEAL_ROUTE = (
    "Ben je het niet eens met deze beslissing? Dan kun je schriftelijk bezwaar indienen bij "
    "het college van burgemeester en schepenen, met je naam, adres, de beslissing waartegen "
    "je bezwaar maakt en waarom. Je kunt daarna ook een beroep tot nietigverklaring instellen "
    "bij de Raad van State, binnen zestig dagen nadat je de beslissing op het bezwaar ontving."
)
DEFAULT_SIGNATORY = "Het college van burgemeester en schepenen"
