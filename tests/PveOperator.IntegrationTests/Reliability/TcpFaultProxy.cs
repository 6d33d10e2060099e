using System.Net;
using System.Net.Sockets;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>
/// A loopback TCP forwarder in front of the simulator that can make the PVE API unreachable: <see cref="Cut"/> resets
/// every open connection and refuses new ones, as a host that went away does; <see cref="Restore"/> listens again on
/// the same port. TLS passes through untouched, so the pinned certificate still matches.
/// </summary>
internal sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly int targetPort;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? accepting;

    private TcpFaultProxy(int targetPort) => this.targetPort = targetPort;

    public int Port { get; private set; }

    public Uri Url => new($"https://127.0.0.1:{Port}");

    public static TcpFaultProxy Start(Uri target)
    {
        var proxy = new TcpFaultProxy(target.Port);
        proxy.Listen(0);
        return proxy;
    }

    /// <summary>Resets every connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        lock (gate)
        {
            accepting?.Cancel();
            listener?.Stop();
            listener = null;
            foreach (var client in open)
            {
                Reset(client);
            }

            open.Clear();
        }
    }

    public void Restore() => Listen(Port);

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private void Listen(int port)
    {
        var socket = new TcpListener(IPAddress.Loopback, port);
        socket.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Start();
        var cancellation = new CancellationTokenSource();
        lock (gate)
        {
            listener = socket;
            accepting = cancellation;
            Port = ((IPEndPoint)socket.LocalEndpoint).Port;
        }

        _ = AcceptAsync(socket, cancellation.Token);
    }

    private async Task AcceptAsync(TcpListener socket, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await socket.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(incoming, cancellationToken);
        }
    }

    private async Task ForwardAsync(TcpClient incoming, CancellationToken cancellationToken)
    {
        var outgoing = new TcpClient();
        lock (gate)
        {
            open.Add(incoming);
            open.Add(outgoing);
        }

        try
        {
            await outgoing.ConnectAsync(IPAddress.Loopback, targetPort, cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var up = incoming.GetStream().CopyToAsync(outgoing.GetStream(), stop.Token);
            var down = outgoing.GetStream().CopyToAsync(incoming.GetStream(), stop.Token);
            await Task.WhenAny(up, down);
            await stop.CancelAsync();
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (gate)
            {
                open.Remove(incoming);
                open.Remove(outgoing);
            }

            incoming.Dispose();
            outgoing.Dispose();
        }
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            // Linger 0: close with RST, as a vanished peer's network answers.
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
        }
    }
}
