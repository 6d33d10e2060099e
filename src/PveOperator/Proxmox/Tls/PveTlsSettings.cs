using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PveOperator.Proxmox;

/// <summary>
/// Server certificate checks. Verification is on by default; at most one of the three alternatives may be set,
/// because combining them (e.g. a pin and "insecure") would leave it unclear which one the user meant.
/// </summary>
public sealed record PveTlsSettings
{
    public bool InsecureSkipVerify { get; init; }

    /// <summary>PEM with one or more CA certificates; the server chain is validated against these only.</summary>
    public string? CaBundlePem { get; init; }

    /// <summary>SHA-256 fingerprint of the server's leaf certificate.</summary>
    public PveCertificateFingerprint? PinnedFingerprint { get; init; }

    public PveTlsMode Mode =>
        InsecureSkipVerify ? PveTlsMode.InsecureSkipVerify
        : PinnedFingerprint is not null ? PveTlsMode.PinnedFingerprint
        : !string.IsNullOrWhiteSpace(CaBundlePem) ? PveTlsMode.CaBundle
        : PveTlsMode.SystemTrust;

    /// <summary>Problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var modesSet = (InsecureSkipVerify ? 1 : 0) + (PinnedFingerprint is null ? 0 : 1) + (CaBundlePem is null ? 0 : 1);
        if (modesSet > 1)
        {
            problems.Add("TLS: set at most one of insecureSkipVerify, caBundle and fingerprint.");
        }
        if (CaBundlePem is not null)
        {
            try
            {
                if (LoadCaBundle().Count == 0)
                {
                    problems.Add("TLS: the CA bundle holds no PEM certificate.");
                }
            }
            catch (CryptographicException ex)
            {
                problems.Add($"TLS: the CA bundle is not valid PEM: {ex.Message}");
            }
        }
        return problems;
    }

    internal X509Certificate2Collection LoadCaBundle()
    {
        var certificates = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(CaBundlePem))
        {
            certificates.ImportFromPem(CaBundlePem);
        }
        return certificates;
    }
}
