using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PveOperator.Proxmox;

/// <summary>
/// Checks the PVE server certificate according to <see cref="PveTlsSettings"/>. Remembers why it last rejected a
/// certificate, so the TLS error can say so (.NET's own exception only says "rejected by the callback").
/// </summary>
internal sealed class PveCertificateValidator(PveTlsSettings settings)
{
    private readonly X509Certificate2Collection caBundle = settings.LoadCaBundle();
    private volatile string? lastRejection;

    /// <summary>Why the most recent certificate was refused, with its fingerprint.</summary>
    public string? LastRejection => lastRejection;

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (settings.Mode == PveTlsMode.InsecureSkipVerify)
        {
            return true;
        }
        if (certificate is null)
        {
            return Reject("the server sent no certificate");
        }
        var leaf = certificate as X509Certificate2;
        var loaded = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        try
        {
            return Check(leaf ?? loaded!, chain, errors);
        }
        finally
        {
            loaded?.Dispose();
        }
    }

    private bool Check(X509Certificate2 leaf, X509Chain? chain, SslPolicyErrors errors)
    {
        switch (settings.Mode)
        {
            case PveTlsMode.PinnedFingerprint:
                // The pin is the whole trust decision: PVE's default certificates are self-signed, and the
                // host name is irrelevant once the exact certificate is known.
                return settings.PinnedFingerprint!.Matches(leaf)
                    || Reject($"the certificate does not match the pinned fingerprint {settings.PinnedFingerprint}", leaf);
            case PveTlsMode.CaBundle:
                if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                {
                    return Reject("the certificate does not name this host", leaf);
                }
                return ChainsToBundle(leaf, chain, out var status)
                    || Reject($"the certificate does not chain to the configured CA bundle ({status})", leaf);
            default:
                return errors == SslPolicyErrors.None
                    || Reject($"the certificate is not trusted ({errors}); set a CA bundle or a fingerprint pin", leaf);
        }
    }

    private bool ChainsToBundle(X509Certificate2 leaf, X509Chain? serverChain, out string status)
    {
        using var customChain = new X509Chain();
        customChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        customChain.ChainPolicy.CustomTrustStore.AddRange(caBundle);
        // PVE node certificates carry no revocation endpoints; checking would fail every time.
        customChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Trust comes from the bundle alone; fetching issuers named in the certificate would be a network call
        // to wherever an attacker's certificate points.
        customChain.ChainPolicy.DisableCertificateDownloads = true;
        if (serverChain is not null)
        {
            // Intermediates the server sent; trust still has to come from the bundle.
            foreach (var element in serverChain.ChainElements.Skip(1))
            {
                customChain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        var built = customChain.Build(leaf);
        status = built
            ? "ok"
            : string.Join(", ", customChain.ChainStatus.Select(s => s.Status).Distinct());
        return built;
    }

    private bool Reject(string reason, X509Certificate2? leaf = null)
    {
        lastRejection = leaf is null
            ? reason
            : $"{reason}; the server's certificate has SHA-256 fingerprint {PveCertificateFingerprint.Of(leaf)}";
        return false;
    }
}
