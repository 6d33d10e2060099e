namespace PveSimulator.Tasks;

/// <summary>The LXC power actions the simulator implements (POST .../status/{action}).</summary>
internal enum PowerAction
{
    Start,
    Stop,
    Shutdown,
    Reboot,
}
