CREATE TABLE "api_rate_buckets" (
	"handle" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"at" timestamp with time zone NOT NULL
);
