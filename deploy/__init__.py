"""The deployment files (systemd units, nginx config, the example config file), installed as the
package ``workforce._deploy`` so a county IT office that installed the wheel gets them without the
source: ``workforce deploy-files DEST`` writes them out (docs/deploy.md). The files are the
deployment; this module only marks the folder as a package."""
