namespace PveSimulator.Tasks;

/// <summary>A worker task as PVE's task index records it; it runs until <see cref="Finish"/> sets its exit status.</summary>
internal sealed class SimTask(string upid, string node, int pid, long processStart, long startTime, string type, string id, string creatorTokenId)
{
    private readonly Lock gate = new();
    private readonly List<string> log = [];
    private string? exitStatus;

    public string Upid { get; } = upid;
    public string Node { get; } = node;
    public int Pid { get; } = pid;
    public long ProcessStart { get; } = processStart;
    public long StartTime { get; } = startTime;
    public string Type { get; } = type;
    public string Id { get; } = id;
    /// <summary>The full token id that created the task, e.g. "root@pam!sim".</summary>
    public string CreatorTokenId { get; } = creatorTokenId;
    /// <summary>Task status reports the owning user here, and the token name separately as "tokenid".</summary>
    // A ticket-authenticated user starts tasks too: its id has no "!token" part.
    public string UserId => CreatorTokenId.Contains('!') ? CreatorTokenId[..CreatorTokenId.IndexOf('!')] : CreatorTokenId;
    public string TokenName => CreatorTokenId.Contains('!') ? CreatorTokenId[(CreatorTokenId.IndexOf('!') + 1)..] : "";

    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return this.exitStatus is null;
            }
        }
    }

    /// <summary>"OK" or the error text; null while running.</summary>
    public string? ExitStatus
    {
        get
        {
            lock (gate)
            {
                return this.exitStatus;
            }
        }
    }

    public void Log(string line)
    {
        lock (gate)
        {
            this.log.Add(line);
        }
    }

    public IReadOnlyList<string> LogLines()
    {
        lock (gate)
        {
            return this.log.ToArray();
        }
    }

    /// <summary>Ends the task once; the last log line is PVE's "TASK OK" or "TASK ERROR: ...".</summary>
    public void Finish(string exitStatus)
    {
        lock (gate)
        {
            if (this.exitStatus is not null)
            {
                return;
            }

            this.exitStatus = exitStatus;
            this.log.Add(exitStatus == "OK" ? "TASK OK" : $"TASK ERROR: {exitStatus}");
        }
    }
}
