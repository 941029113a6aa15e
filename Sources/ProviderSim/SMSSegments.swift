/// How many SMS parts a text needs (Twilio reports it as `num_segments`).
enum SMSSegments {
    /// GSM 03.38 basic characters (one septet each).
    private static let basic = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// GSM 03.38 extension characters (an escape plus one septet).
    private static let extended = Set("^{}\\[~]|€\u{0C}")

    static func count(_ text: String) -> Int {
        var septets = 0
        for character in text {
            if basic.contains(character) {
                septets += 1
            } else if extended.contains(character) {
                septets += 2
            } else {
                let units = text.utf16.count  // UCS-2: 70 per single part, 67 per concatenated part
                return units <= 70 ? 1 : (units + 66) / 67
            }
        }
        return septets <= 160 ? 1 : (septets + 152) / 153
    }
}
