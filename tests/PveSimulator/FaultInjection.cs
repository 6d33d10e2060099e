using PveSimulator.Model;

namespace PveSimulator;

/// <summary>Faults applied to incoming requests; all off by default. Thread-safe.</summary>
public sealed class FaultInjection
{
    private const string ApiPrefix = "/api2/json";

    private readonly Lock gate = new();
    private readonly List<ErrorRateRule> rules = [];
    private readonly Dictionary<int, Queue<IReadOnlyDictionary<string, string?>>> configChangesBeforeWrite = [];
    private Random random = new();
    private TimeSpan addedLatency;
    private double dropConnectionRate;
    private bool forgetTasks;

    /// <summary>Fails this share (0..1) of matching requests with the status (500, 595 or 596). Method null = any, template null = any.</summary>
    /// <remarks>Template as in <see cref="RequestCounters"/>, e.g. "/nodes/{node}/lxc/{vmid}/status/current". A rate of 0 removes the rule.</remarks>
    public void SetErrorRate(string? method, string? template, double rate, int statusCode) =>
        SetErrorRate(method, template, rate, statusCode, reasonPhrase: null);

    /// <summary>As <see cref="SetErrorRate(string?, string?, double, int)"/> with the reason phrase to send (defaults per status otherwise).</summary>
    public void SetErrorRate(string? method, string? template, double rate, int statusCode, string? reasonPhrase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);

        var normalizedMethod = string.IsNullOrEmpty(method) ? null : method.ToUpperInvariant();
        var normalizedTemplate = NormalizeTemplate(template);
        lock (gate)
        {
            rules.RemoveAll(r => r.Method == normalizedMethod && r.Template == normalizedTemplate);
            if (rate > 0)
            {
                rules.Add(new ErrorRateRule(normalizedMethod, normalizedTemplate, rate, statusCode, reasonPhrase ?? DefaultReasonPhrase(statusCode)));
            }
        }
    }

    /// <summary>Adds latency to every request.</summary>
    /// <remarks>On daemon endpoints the latency is spent holding one of the node's workers, like a slow pvedaemon.</remarks>
    public TimeSpan AddedLatency
    {
        get { lock (gate) { return addedLatency; } }
        set { lock (gate) { addedLatency = value; } }
    }

    /// <summary>
    /// Every task status request is answered 400 "no such task", as after a node reboot or behind a front end that
    /// mangles the UPID in the path; the tasks themselves run as usual.
    /// </summary>
    public bool ForgetTasks
    {
        get { lock (gate) { return forgetTasks; } }
        set { lock (gate) { forgetTasks = value; } }
    }

    /// <summary>Share (0..1) of requests whose connection is dropped without an answer.</summary>
    public double DropConnectionRate
    {
        get { lock (gate) { return dropConnectionRate; } }
        set { lock (gate) { dropConnectionRate = Math.Clamp(value, 0.0, 1.0); } }
    }

    /// <summary>
    /// The next PUT config of this CT finds its config changed by another writer between the client's read and its
    /// write: <paramref name="changes"/> (key → value, null deletes) are written just before the digest check, so a
    /// digest read earlier no longer matches ("detected modified configuration", §4.2 step 3). Each call covers one
    /// PUT; the change stays in the config afterwards, as another user's would.
    /// </summary>
    public void ChangeConfigBeforeNextWrite(int vmid, IReadOnlyDictionary<string, string?> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (gate)
        {
            if (!configChangesBeforeWrite.TryGetValue(vmid, out var queue))
            {
                configChangesBeforeWrite[vmid] = queue = new Queue<IReadOnlyDictionary<string, string?>>();
            }

            queue.Enqueue(new Dictionary<string, string?>(changes, StringComparer.Ordinal));
        }
    }

    /// <summary>PUT config calls still to be interfered with by <see cref="ChangeConfigBeforeNextWrite"/> for this CT.</summary>
    public int PendingConfigChangesBeforeWrite(int vmid)
    {
        lock (gate)
        {
            return configChangesBeforeWrite.TryGetValue(vmid, out var queue) ? queue.Count : 0;
        }
    }

    internal IReadOnlyDictionary<string, string?>? TakeConfigChangeBeforeWrite(int vmid)
    {
        lock (gate)
        {
            return configChangesBeforeWrite.TryGetValue(vmid, out var queue) && queue.TryDequeue(out var changes) ? changes : null;
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            configChangesBeforeWrite.Clear();
            rules.Clear();
            addedLatency = TimeSpan.Zero;
            dropConnectionRate = 0;
            forgetTasks = false;
        }
    }

    /// <summary>Makes the random draws repeatable.</summary>
    public void UseSeed(int seed)
    {
        lock (gate)
        {
            this.random = new Random(seed);
        }
    }

    internal IReadOnlyList<ErrorRateRule> Rules()
    {
        lock (gate)
        {
            return rules.ToArray();
        }
    }

    internal bool ShouldDropConnection()
    {
        lock (gate)
        {
            return dropConnectionRate > 0 && this.random.NextDouble() < dropConnectionRate;
        }
    }

    /// <summary>The error to inject for this request, if any; the most specific matching rule decides.</summary>
    internal ErrorRateRule? PickError(string method, string template)
    {
        lock (gate)
        {
            var rule = rules
                .Where(r => (r.Method is null || r.Method == method) && (r.Template is null || r.Template == template))
                .OrderByDescending(r => r.Specificity)
                .FirstOrDefault();
            return rule is not null && this.random.NextDouble() < rule.Rate ? rule : null;
        }
    }

    private static string? NormalizeTemplate(string? template)
    {
        if (string.IsNullOrEmpty(template))
        {
            return null;
        }

        // Accept "GET /x" (a counter key) and "/api2/json/x" as well as the bare template.
        var space = template.IndexOf(' ', StringComparison.Ordinal);
        var path = space >= 0 ? template[(space + 1)..] : template;
        return path.StartsWith(ApiPrefix, StringComparison.Ordinal) ? path[ApiPrefix.Length..] : path;
    }

    private static string DefaultReasonPhrase(int statusCode) => statusCode switch
    {
        595 => "Connection refused",
        596 => "Connection timed out",
        >= 597 => "Connection reset by peer",
        500 => "simulated fault: internal server error",
        _ => "simulated fault",
    };
}
