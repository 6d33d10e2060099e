namespace PveSimulator.Model;

/// <summary>Current and peak concurrency of one node's daemon requests.</summary>
internal sealed class NodeLoadGauge
{
    private readonly Lock gate = new();
    private int arrived;
    private int serving;

    public int Arrived
    {
        get
        {
            lock (gate)
            {
                return arrived;
            }
        }
    }

    public int MaxArrived { get; private set; }
    public int MaxServing { get; private set; }

    public void Arrive()
    {
        lock (gate)
        {
            arrived++;
            MaxArrived = Math.Max(MaxArrived, arrived);
        }
    }

    public void Leave()
    {
        lock (gate)
        {
            arrived--;
        }
    }

    public void StartServing()
    {
        lock (gate)
        {
            serving++;
            MaxServing = Math.Max(MaxServing, serving);
        }
    }

    public void StopServing()
    {
        lock (gate)
        {
            serving--;
        }
    }

    /// <summary>Peaks restart from what is in flight now, so a reset in the middle of a load does not read zero.</summary>
    public void ResetMaxima()
    {
        lock (gate)
        {
            MaxArrived = arrived;
            MaxServing = serving;
        }
    }
}
