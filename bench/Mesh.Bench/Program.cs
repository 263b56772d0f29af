using System.Globalization;
using Mesh.Bench;

// Probe overhead benchmark (bench/README.md). Modes:
//   all [N...]                  run the whole comparison (default N = 1000 5000) and print a table
//   serve PORT                  the fast local HTTP server the probes hit
//   mesh|bare N PORT WARM MEASURE  one measured run: ProbeActors, or a bare HttpClient loop (the floor)
//   failover                    failover time on real parts, BENCH_REPEAT times (bench/failover.sh)
//   mesh-config DIR             write the demo's three-node loopback configs into DIR (bench/api-throughput.sh);
//                               prints one line per node: name region http-port config-path
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var mode = args.Length > 0 ? args[0] : "all";
switch (mode)
{
    case "failover":
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        return await FailoverBench.RunAsync(stop.Token);
    }
    case "mesh-config":
    {
        // The same configs as the demo and the multi-process tests (LocalMeshConfig), no shop: the only targets are
        // the site nodes' own /healthz, DigitalOcean is unreachable, fencing accepts an unreachable primary.
        if (args.Length != 2) { Console.Error.WriteLine("usage: Mesh.Bench mesh-config DIR"); return 2; }
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        foreach (var node in Mesh.Node.Demo.LocalMeshConfig.Write(args[1], Mesh.Node.Demo.LocalMeshTimings.Fast, token))
            Console.WriteLine($"{node.Name} {node.Region} {node.HttpPort} {node.ConfigPath}");
        return 0;
    }
    case "serve":
        await TargetServer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        return 0;
    case "mesh":
    case "bare":
    {
        var n = int.Parse(args[1], CultureInfo.InvariantCulture);
        var port = int.Parse(args[2], CultureInfo.InvariantCulture);
        var warm = TimeSpan.FromSeconds(int.Parse(args[3], CultureInfo.InvariantCulture));
        var measure = TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture));
        var result = mode == "mesh" ? await MeshRun.RunAsync(n, port, warm, measure) : await BareRun.RunAsync(n, port, warm, measure);
        Console.WriteLine(result.ToLine());
        return 0;
    }
    default:
    {
        var sizes = args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        return await Driver.RunAsync(sizes.Length == 0 ? [1000, 5000] : sizes);
    }
}
