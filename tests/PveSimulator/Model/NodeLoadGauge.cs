namespace PveSimulator.Model;

/// <summary>Current and peak concurrency of one node's daemon requests.</summary>
internal sealed class NodeLoadGauge
{
    private readonly Lock _gate = new();
    private int _arrived;
    private int _serving;

    public int Arrived
    {
        get
        {
            lock (_gate)
            {
                return _arrived;
            }
        }
    }

    public int MaxArrived { get; private set; }
    public int MaxServing { get; private set; }

    public void Arrive()
    {
        lock (_gate)
        {
            _arrived++;
            MaxArrived = Math.Max(MaxArrived, _arrived);
        }
    }

    public void Leave()
    {
        lock (_gate)
        {
            _arrived--;
        }
    }

    public void StartServing()
    {
        lock (_gate)
        {
            _serving++;
            MaxServing = Math.Max(MaxServing, _serving);
        }
    }

    public void StopServing()
    {
        lock (_gate)
        {
            _serving--;
        }
    }

    /// <summary>Peaks restart from what is in flight now, so a reset in the middle of a load does not read zero.</summary>
    public void ResetMaxima()
    {
        lock (_gate)
        {
            MaxArrived = _arrived;
            MaxServing = _serving;
        }
    }
}
