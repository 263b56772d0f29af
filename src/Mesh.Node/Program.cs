using Mesh.Node.Cli;

return await HealthMeshCli.RunAsync(args, Console.Out, Console.Error);
