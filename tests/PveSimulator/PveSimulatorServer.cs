using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PveSimulator.Admin;
using PveSimulator.Api;
using PveSimulator.Hosting;
using PveSimulator.Model;

namespace PveSimulator;

/// <summary>A simulated Proxmox VE API served over HTTPS on loopback. Usable in-process by tests.</summary>
/// <remarks>
/// The cluster starts empty apart from <see cref="DefaultTokenId"/>: add nodes and containers through <see cref="Cluster"/>.
/// </remarks>
public sealed class PveSimulatorServer : IAsyncDisposable
{
    /// <summary>Token created at start with all privileges (Administrator on /).</summary>
    public const string DefaultTokenId = "root@pam!sim";

    // PVE's API daemon names itself so; some clients log it.
    private const string ServerHeader = "pve-api-daemon/3.0";
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    private readonly WebApplication app;
    private readonly SimulatorCertificate certificate;
    private readonly CancellationTokenSource stopping;
    private readonly ITimer? resourcesRefresh;
    private int disposed;

    private PveSimulatorServer(
        WebApplication app,
        SimulatorCertificate certificate,
        CancellationTokenSource stopping,
        ITimer? resourcesRefresh,
        SimulatorServices services,
        Uri baseUrl,
        string defaultTokenSecret)
    {
        this.app = app;
        this.certificate = certificate;
        this.stopping = stopping;
        this.resourcesRefresh = resourcesRefresh;
        Options = services.Options;
        Cluster = services.Cluster;
        Counters = services.Counters;
        Faults = services.Faults;
        Logins = services.Logins;
        BaseUrl = baseUrl;
        DefaultTokenSecret = defaultTokenSecret;
    }

    public static async Task<PveSimulatorServer> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = SimulatorCertificate.Create();
        var stopping = new CancellationTokenSource();
        try
        {
            var cluster = new SimulatedCluster(options.TimeProvider)
            {
                Dhcp = options.DhcpNetwork is { } dhcpNetwork ? new DhcpServer(dhcpNetwork) : null,
            };
            // Real PVE token secrets are UUIDs.
            var secret = options.DefaultTokenSecret ?? Guid.NewGuid().ToString();
            cluster.AddAdministratorToken(DefaultTokenId, secret);
            var services = new SimulatorServices(options, cluster, new RequestCounters(), new FaultInjection(), certificate.Fingerprint, stopping.Token);

            var app = BuildApplication(options, certificate, services);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var port = new Uri(address).Port;

            var refresh = options.ResourcesRefreshInterval > TimeSpan.Zero
                ? options.TimeProvider.CreateTimer(_ => cluster.RefreshResources(), null, options.ResourcesRefreshInterval, options.ResourcesRefreshInterval)
                : null;
            return new PveSimulatorServer(app, certificate, stopping, refresh, services, new Uri($"https://127.0.0.1:{port}"), secret);
        }
        catch
        {
            certificate.Dispose();
            stopping.Dispose();
            throw;
        }
    }

    /// <summary>https://127.0.0.1:PORT (without /api2/json).</summary>
    public Uri BaseUrl { get; }
    /// <summary>https://127.0.0.1:PORT/api2/json/, the base PVE clients are configured with.</summary>
    public Uri ApiUrl => new(BaseUrl, "/api2/json/");
    /// <summary>The secret of <see cref="DefaultTokenId"/>, random per start.</summary>
    public string DefaultTokenSecret { get; }
    /// <summary>The Authorization header value for <see cref="DefaultTokenId"/>.</summary>
    public string DefaultAuthorizationHeader => $"PVEAPIToken={DefaultTokenId}={DefaultTokenSecret}";
    /// <summary>SHA-256 of the self-signed certificate, as PVE's GUI shows it: "AB:CD:...".</summary>
    public string CertificateFingerprint => this.certificate.Fingerprint;
    /// <summary>The self-signed certificate in PEM (usable as a CA bundle).</summary>
    public string CertificatePem => this.certificate.Pem;
    public SimulatorOptions Options { get; }
    public SimulatedCluster Cluster { get; }
    public RequestCounters Counters { get; }
    public FaultInjection Faults { get; }
    /// <summary>What POST /access/ticket did: logins, renewals, second-factor answers and failures.</summary>
    public LoginCounters Logins { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await this.stopping.CancelAsync();
        if (this.resourcesRefresh is not null)
        {
            await this.resourcesRefresh.DisposeAsync();
        }

        using (var grace = new CancellationTokenSource(ShutdownGrace))
        {
            await this.app.StopAsync(grace.Token);
        }

        await this.app.DisposeAsync();
        this.certificate.Dispose();
        this.stopping.Dispose();
    }

    private static WebApplication BuildApplication(SimulatorOptions options, SimulatorCertificate certificate, SimulatorServices services)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(PveSimulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.KeepAliveTimeout = options.IdleConnectionTimeout;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                // HTTP/1.1 only: HTTP/2 has no reason phrase, and PVE's error texts travel in it.
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(certificate.Certificate);
            });
        });

        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            http.Response.Headers.Server = ServerHeader;
            try
            {
                await next(http);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; there is no one to answer.
            }
            catch (OperationCanceledException) when (services.Stopping.IsCancellationRequested)
            {
                // Shutting down: drop the connection like a stopping pveproxy would.
                http.Abort();
            }
            catch (Exception error) when (!http.Response.HasStarted)
            {
                // A simulator bug should be loud in the test that hit it, not a hung request.
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                PveResponseWriter.SetReasonPhrase(http, $"simulator error: {error.GetType().Name}: {error.Message}".ReplaceLineEndings(" "));
            }

            if (options.LogRequests)
            {
                var reason = http.Features.Get<IHttpResponseFeature>()?.ReasonPhrase;
                Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {http.Request.Method} {http.Request.Path}{http.Request.QueryString} -> {http.Response.StatusCode} {reason}");
            }
        });

        var pipeline = new RequestPipeline(services);
        var endpoints = new ClusterEndpoints(services).All()
            .Concat(new NodeEndpoints(services).All())
            .Concat(new ContainerEndpoints(services).All())
            .Concat(new PowerActionEndpoints(services).All())
            .Concat(new TaskEndpoints(services).All())
            .Concat(new StorageEndpoints(services).All())
            .Concat(new LifecycleEndpoints(services).All())
            .Concat(new ConfigUpdateEndpoints(services).All())
            .Concat(new AccessEndpoints(services).All());
        foreach (var endpoint in endpoints)
        {
            app.MapMethods(RequestPipeline.ApiPrefix + endpoint.Template, [endpoint.Method], new RequestDelegate(http => pipeline.HandleAsync(http, endpoint)));
        }

        new AdminEndpoints(services).Map(app);
        app.MapFallback(new RequestDelegate(http => NotImplementedAsync(http, services)));
        return app;
    }

    /// <summary>PVE answers unknown API paths with 501 in its envelope, and paths outside /api2/&lt;format&gt; with plain text.</summary>
    private static async Task NotImplementedAsync(HttpContext http, SimulatorServices services)
    {
        var path = http.Request.Path.Value ?? "";
        if (path.StartsWith(RequestPipeline.ApiPrefix + "/", StringComparison.Ordinal))
        {
            await services.Writer.WriteErrorAsync(http, PveApiException.NotImplemented(http.Request.Method, RequestPipeline.RelativePath(http)));
            return;
        }

        http.Response.StatusCode = StatusCodes.Status501NotImplemented;
        PveResponseWriter.SetReasonPhrase(http, "no such uri");
        http.Response.ContentType = "text/plain;charset=UTF-8";
        await http.Response.WriteAsync("no such uri\n", http.RequestAborted);
    }
}
