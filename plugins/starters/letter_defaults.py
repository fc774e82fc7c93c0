"""The default texts of decision letters (Dutch: the letters are, see letters.py); kept apart so
the plugin's manifest can offer them as setting defaults without loading the letter renderer."""

DEFAULT_APPEAL_DAYS = 30
DEFAULT_OPENING = (
    "Het college van burgemeester en schepenen besliste over uw aanvraag tot ondersteuning "
    "voor de opstart van een kinderopvang. Hieronder leest u per maatregel de beslissing en "
    "de motivering."
)
DEFAULT_APPEAL_ROUTE = (
    "Bent u het niet eens met deze beslissing? Dan kunt u schriftelijk bezwaar indienen bij "
    "het college van burgemeester en schepenen, met uw naam, adres, de beslissing waartegen "
    "u bezwaar maakt en waarom. U kunt daarna ook een beroep tot nietigverklaring instellen "
    "bij de Raad van State, binnen zestig dagen nadat u de beslissing op het bezwaar ontving."
)
DEFAULT_SIGNATORY = "Het college van burgemeester en schepenen"
