using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Proxmox;

/// <summary>The TLS decision per mode, on generated certificates (no network).</summary>
public sealed class PveCertificateValidatorTests
{
    private const SslPolicyErrors Untrusted = SslPolicyErrors.RemoteCertificateChainErrors;

    [Fact]
    public void Default_trusts_only_what_the_system_trusts()
    {
        using var certificate = PveCertificateFingerprintTests.SelfSigned();
        var validator = new PveCertificateValidator(new PveTlsSettings());

        Assert.True(validator.Validate(this, certificate, null, SslPolicyErrors.None));
        Assert.False(validator.Validate(this, certificate, null, Untrusted));
        Assert.Contains(PveCertificateFingerprint.Of(certificate).Normalized, validator.LastRejection);
        Assert.False(validator.Validate(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(validator.Validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void Insecure_accepts_anything()
    {
        using var certificate = PveCertificateFingerprintTests.SelfSigned();
        var validator = new PveCertificateValidator(new PveTlsSettings { InsecureSkipVerify = true });

        Assert.True(validator.Validate(this, certificate, null, Untrusted | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void A_matching_pin_accepts_a_self_signed_certificate_and_a_wrong_one_rejects()
    {
        using var certificate = PveCertificateFingerprintTests.SelfSigned();
        using var other = PveCertificateFingerprintTests.SelfSigned("CN=other");
        var pinned = new PveCertificateValidator(new PveTlsSettings { PinnedFingerprint = PveCertificateFingerprint.Of(certificate) });
        var wrong = new PveCertificateValidator(new PveTlsSettings { PinnedFingerprint = PveCertificateFingerprint.Of(other) });

        Assert.True(pinned.Validate(this, certificate, null, Untrusted | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(wrong.Validate(this, certificate, null, SslPolicyErrors.None));
        Assert.Contains("pinned fingerprint", wrong.LastRejection);
        Assert.Contains(PveCertificateFingerprint.Of(certificate).Normalized, wrong.LastRejection);
    }

    [Fact]
    public void A_ca_bundle_accepts_its_own_self_signed_certificate_and_rejects_others()
    {
        using var certificate = PveCertificateFingerprintTests.SelfSigned();
        using var other = PveCertificateFingerprintTests.SelfSigned("CN=other");
        var validator = new PveCertificateValidator(new PveTlsSettings { CaBundlePem = certificate.ExportCertificatePem() });

        Assert.True(validator.Validate(this, certificate, null, Untrusted));
        Assert.False(validator.Validate(this, other, null, Untrusted));
        Assert.Contains("CA bundle", validator.LastRejection);
        Assert.False(validator.Validate(this, certificate, null, Untrusted | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void A_ca_bundle_accepts_a_leaf_it_signed_and_only_that_ca_counts()
    {
        // ECDSA keys: RSA generation would cost seconds.
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=PVE Cluster CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=pve1", leafKey, HashAlgorithmName.SHA256);
        using var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);
        using var unrelatedCa = PveCertificateFingerprintTests.SelfSigned("CN=Unrelated CA");

        var trusting = new PveCertificateValidator(new PveTlsSettings { CaBundlePem = ca.ExportCertificatePem() });
        var unrelated = new PveCertificateValidator(new PveTlsSettings { CaBundlePem = unrelatedCa.ExportCertificatePem() });

        Assert.True(trusting.Validate(this, leaf, null, Untrusted));
        Assert.False(unrelated.Validate(this, leaf, null, SslPolicyErrors.None));
    }
}
