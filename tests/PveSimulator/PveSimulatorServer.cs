namespace PveSimulator;

/// <summary>A simulated Proxmox VE API served over HTTPS on loopback. Usable in-process by tests.</summary>
public sealed class PveSimulatorServer : IAsyncDisposable
{
    /// <summary>Token created at start with all privileges (Administrator on /).</summary>
    public const string DefaultTokenId = "root@pam!sim";

    private PveSimulatorServer() => throw new NotImplementedException();

    public static Task<PveSimulatorServer> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();

    /// <summary>https://127.0.0.1:PORT (without /api2/json).</summary>
    public Uri BaseUrl => throw new NotImplementedException();
    /// <summary>The secret of <see cref="DefaultTokenId"/>, random per start.</summary>
    public string DefaultTokenSecret => throw new NotImplementedException();
    /// <summary>SHA-256 of the self-signed certificate, as PVE's GUI shows it: "AB:CD:...".</summary>
    public string CertificateFingerprint => throw new NotImplementedException();
    /// <summary>The self-signed certificate in PEM (usable as a CA bundle).</summary>
    public string CertificatePem => throw new NotImplementedException();
    public SimulatedCluster Cluster => throw new NotImplementedException();
    public RequestCounters Counters => throw new NotImplementedException();
    public FaultInjection Faults => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
