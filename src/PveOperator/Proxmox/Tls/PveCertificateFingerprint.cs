using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// A SHA-256 certificate fingerprint as PVE's GUI shows it ("AB:CD:..."). Parsing ignores case, colons, spaces
/// and dashes, so a value pasted from <c>openssl x509 -fingerprint</c> or from the GUI both work.
/// </summary>
[JsonConverter(typeof(PveCertificateFingerprintJsonConverter))]
public sealed record PveCertificateFingerprint
{
    private const int Sha256Length = 32;

    private PveCertificateFingerprint(byte[] hash) => Hash = hash;

    private byte[] Hash { get; }

    /// <summary>Upper-case hex pairs joined by colons, the form PVE prints.</summary>
    public string Normalized => string.Join(':', Hash.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    public static PveCertificateFingerprint Parse(string text) =>
        TryParse(text, out var fingerprint)
            ? fingerprint
            : throw new FormatException(
                "Invalid SHA-256 certificate fingerprint: expected 32 hex byte pairs such as \"AB:CD:...\".");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PveCertificateFingerprint? fingerprint)
    {
        fingerprint = null;
        if (text is null)
        {
            return false;
        }
        var hex = new string(text.Where(c => c is not (':' or ' ' or '-')).ToArray());
        if (hex.Length != Sha256Length * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }
        fingerprint = new PveCertificateFingerprint(Convert.FromHexString(hex));
        return true;
    }

    public static PveCertificateFingerprint Of(X509Certificate2 certificate) =>
        new(certificate.GetCertHash(HashAlgorithmName.SHA256));

    public bool Matches(X509Certificate2 certificate) =>
        CryptographicOperations.FixedTimeEquals(Hash, certificate.GetCertHash(HashAlgorithmName.SHA256));

    public bool Equals(PveCertificateFingerprint? other) => other is not null && Hash.AsSpan().SequenceEqual(other.Hash);

    public override int GetHashCode() => BitConverter.ToInt32(Hash, 0);

    public override string ToString() => Normalized;
}
