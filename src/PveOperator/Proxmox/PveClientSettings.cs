namespace PveOperator.Proxmox;

/// <summary>
/// How to reach one PVE cluster (the successor of GoDoxy's proxmox Config). <see cref="Url"/> is the server root,
/// e.g. https://pve.example.com:8006; the client appends /api2/json.
/// </summary>
public sealed record PveClientSettings
{
    public const string ApiPath = "/api2/json";

    /// <summary>PVE tickets live 2 h; renewing after one leaves an hour for a slow or failed renewal.</summary>
    public static readonly TimeSpan DefaultTicketRenewAfter = TimeSpan.FromHours(1);

    /// <summary>PVE answers are small (a thousand containers: about 1 MiB); anything far larger is refused unread.</summary>
    public const long DefaultMaxResponseBytes = 16L * 1024 * 1024;

    public required Uri Url { get; init; }
    /// <summary>The API token; exactly one of this and <see cref="Username"/>.</summary>
    public PveTokenId? TokenId { get; init; }
    /// <summary>A user (USER@REALM) that logs in with the password in <see cref="Secret"/> (a ticket, renewed before it expires).</summary>
    public string? Username { get; init; }
    /// <summary>The token's secret, or the user's password.</summary>
    public required PveSecret Secret { get; init; }

    /// <summary>How long a login ticket is used before it is renewed.</summary>
    public TimeSpan TicketRenewAfter { get; init; } = DefaultTicketRenewAfter;

    /// <summary>Response bodies larger than this are refused (read no further).</summary>
    public long MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;

    public bool UsesPassword => Username is not null;

    /// <summary>Who PVE sees: the token id or the user, for messages (never the secret).</summary>
    public string Principal => Username ?? TokenId?.ToString() ?? "(none)";
    public PveTlsSettings Tls { get; init; } = new();

    /// <summary>Budget for the initial GET /version + GET /cluster/status (GoDoxy used 3 s).</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Budget for one HTTP attempt. PVE's own proxy gives up on a hung node after 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a read (GET) after a transient failure; power actions are never retried.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Requests in flight to one node's endpoints (/nodes/{node}/...). pvedaemon has 3 workers per node by default,
    /// so 2 leaves one for the GUI and other clients.
    /// </summary>
    public int MaxRequestsInFlightPerNode { get; init; } = 2;

    /// <summary>Requests in flight to cluster-wide endpoints (/version, /cluster/..., /nodes), served by the node we talk to.</summary>
    public int MaxClusterRequestsInFlight { get; init; } = 2;

    /// <summary>The API root, <see cref="Url"/> + /api2/json (not doubled when the URL already ends with it).</summary>
    public Uri ApiUrl
    {
        get
        {
            var root = Url.GetLeftPart(UriPartial.Path).TrimEnd('/');
            if (root.EndsWith(ApiPath, StringComparison.OrdinalIgnoreCase))
            {
                root = root[..^ApiPath.Length];
            }
            return new Uri(root + ApiPath);
        }
    }

    /// <summary>Problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Url.IsAbsoluteUri || Url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"url \"{SafeUrlText(Url)}\" must be an absolute https:// URL (PVE serves its API over HTTPS only).");
        }
        else if (!string.IsNullOrEmpty(Url.Query) || !string.IsNullOrEmpty(Url.Fragment) || !string.IsNullOrEmpty(Url.UserInfo))
        {
            problems.Add($"url \"{SafeUrlText(Url)}\" must not carry user info, a query or a fragment.");
        }
        if ((TokenId is null) == (Username is null))
        {
            problems.Add("exactly one of a token id and a username must be set.");
        }
        if (Secret.IsEmpty)
        {
            problems.Add(UsesPassword ? "password must not be empty." : "secret must not be empty.");
        }
        if (TicketRenewAfter < TimeSpan.FromMilliseconds(100) || TicketRenewAfter >= TimeSpan.FromHours(2))
        {
            problems.Add($"{nameof(TicketRenewAfter)} must be at least 100 ms and under PVE's 2 h ticket lifetime, not {TicketRenewAfter}.");
        }
        if (MaxResponseBytes < 4096)
        {
            problems.Add($"{nameof(MaxResponseBytes)} must be at least 4096, not {MaxResponseBytes}.");
        }
        problems.AddRange(Tls.Validate());
        RequirePositive(InitTimeout, nameof(InitTimeout), problems);
        RequirePositive(RequestTimeout, nameof(RequestTimeout), problems);
        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            problems.Add($"retry delays must satisfy 0 <= {nameof(RetryBaseDelay)} <= {nameof(RetryMaxDelay)}.");
        }
        if (MaxRetries is < 0 or > 20)
        {
            problems.Add($"{nameof(MaxRetries)} must be between 0 and 20, not {MaxRetries}.");
        }
        if (MaxRequestsInFlightPerNode < 1)
        {
            problems.Add($"{nameof(MaxRequestsInFlightPerNode)} must be at least 1, not {MaxRequestsInFlightPerNode}.");
        }
        if (MaxClusterRequestsInFlight < 1)
        {
            problems.Add($"{nameof(MaxClusterRequestsInFlight)} must be at least 1, not {MaxClusterRequestsInFlight}.");
        }
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid PVE client settings: " + string.Join(" ", problems));
        }
    }

    /// <summary>The URL for messages: without user info or query, which may hold credentials.</summary>
    private static string SafeUrlText(Uri url) =>
        url.IsAbsoluteUri ? $"{url.Scheme}://{url.Authority}{url.AbsolutePath}" : "(relative URL)";

    private static void RequirePositive(TimeSpan value, string name, List<string> problems)
    {
        // Polly refuses timeouts under 10 ms; anything that small is a mistake anyway.
        if (value < TimeSpan.FromMilliseconds(10))
        {
            problems.Add($"{name} must be at least 10 ms, not {value}.");
        }
    }
}
