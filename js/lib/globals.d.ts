// Stylesheets are bundled by esbuild: importing one only adds its rules.
declare module "*.css";
