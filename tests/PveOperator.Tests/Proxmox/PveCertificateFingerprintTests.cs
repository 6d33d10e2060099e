using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

public sealed class PveCertificateFingerprintTests
{
    private const string Canonical = "80:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69:F5";

    [Theory]
    [InlineData(Canonical)]
    [InlineData("80:d4:f2:df:64:95:cd:8d:a0:82:82:ac:48:ba:c0:7a:1b:6b:87:8b:fe:b9:83:1c:95:4e:79:58:77:99:69:f5")]
    [InlineData("80D4F2DF6495CD8DA08282AC48BAC07A1B6B878BFEB9831C954E7958779969F5")]
    [InlineData(" 80 d4 f2 df 64 95 cd 8d a0 82 82 ac 48 ba c0 7a 1b 6b 87 8b fe b9 83 1c 95 4e 79 58 77 99 69 f5 ")]
    [InlineData("80-D4-F2-DF-64-95-CD-8D-A0-82-82-AC-48-BA-C0-7A-1B-6B-87-8B-FE-B9-83-1C-95-4E-79-58-77-99-69-F5")]
    public void Normalizes_case_colons_and_separators(string text)
    {
        var fingerprint = PveCertificateFingerprint.Parse(text);

        Assert.Equal(Canonical, fingerprint.Normalized);
        Assert.Equal(PveCertificateFingerprint.Parse(Canonical), fingerprint);
        Assert.Equal(PveCertificateFingerprint.Parse(Canonical).GetHashCode(), fingerprint.GetHashCode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("80:D4")]
    [InlineData("80:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69")] // SHA-1 length-ish
    [InlineData("ZZ:D4:F2:DF:64:95:CD:8D:A0:82:82:AC:48:BA:C0:7A:1B:6B:87:8B:FE:B9:83:1C:95:4E:79:58:77:99:69:F5")]
    [InlineData(Canonical + ":00")]
    public void Rejects_anything_but_32_bytes_of_hex(string text)
    {
        Assert.False(PveCertificateFingerprint.TryParse(text, out _));
        Assert.Throws<FormatException>(() => PveCertificateFingerprint.Parse(text));
    }

    [Fact]
    public void Matches_the_sha256_of_a_certificate()
    {
        using var certificate = SelfSigned();
        var hash = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

        Assert.True(PveCertificateFingerprint.Parse(hash.ToLowerInvariant()).Matches(certificate));
        Assert.Equal(PveCertificateFingerprint.Parse(hash), PveCertificateFingerprint.Of(certificate));
        Assert.False(PveCertificateFingerprint.Parse(Canonical).Matches(certificate));
    }

    [Fact]
    public void Travels_as_normalized_text_in_json()
    {
        var json = JsonSerializer.Serialize(PveCertificateFingerprint.Parse(Canonical.ToLowerInvariant()));

        Assert.Equal($"\"{Canonical}\"", json);
        Assert.Equal(PveCertificateFingerprint.Parse(Canonical), JsonSerializer.Deserialize<PveCertificateFingerprint>(json));
    }

    internal static X509Certificate2 SelfSigned(string subject = "CN=pve.test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
