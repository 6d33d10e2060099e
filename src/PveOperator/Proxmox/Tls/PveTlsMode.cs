namespace PveOperator.Proxmox;

/// <summary>How the client decides to trust the PVE server's certificate.</summary>
public enum PveTlsMode
{
    /// <summary>The machine's trust store and a matching host name (the default).</summary>
    SystemTrust,
    /// <summary>The chain must end in one of the CAs of the configured PEM bundle, and nothing else; the host name must match.</summary>
    CaBundle,
    /// <summary>The leaf certificate's SHA-256 must equal the pin; then a self-signed certificate is fine.</summary>
    PinnedFingerprint,
    /// <summary>Any certificate is accepted. For labs only.</summary>
    InsecureSkipVerify,
}
