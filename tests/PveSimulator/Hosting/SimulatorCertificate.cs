using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PveSimulator.Hosting;

/// <summary>
/// A self-signed server certificate made at start, like the one a fresh PVE node has: clients must pin its
/// fingerprint or trust its PEM, exactly as they would against a real homelab node.
/// </summary>
internal sealed class SimulatorCertificate : IDisposable
{
    private SimulatorCertificate(X509Certificate2 certificate)
    {
        Certificate = certificate;
        // PVE's GUI shows the SHA-256 fingerprint as colon-separated uppercase hex.
        Fingerprint = string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        Pem = certificate.ExportCertificatePem() + "\n";
    }

    public X509Certificate2 Certificate { get; }
    public string Fingerprint { get; }
    public string Pem { get; }

    public static SimulatorCertificate Create()
    {
        // ECDSA keys are made in microseconds, which keeps one simulator per test affordable.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pve-simulator, O=PVE Simulator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        var exported = ephemeral.Export(X509ContentType.Pkcs12);
        return new SimulatorCertificate(X509CertificateLoader.LoadPkcs12(exported, password: null));
    }

    public void Dispose() => Certificate.Dispose();
}
